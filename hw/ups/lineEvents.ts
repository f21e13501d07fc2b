// What both UPS sessions report about their line that belongs to no request,
// and the listener set they report it through. Kept in one place so a poller
// sees the same events, with the same wording, whichever protocol it runs.

import type { EndedLine } from './boundedLine';
import type { Unsubscribe } from './transport';

/** Things seen on the line that belong to no request. */
export type LineEvent =
  /** A whole line arrived while nothing was waiting (a late answer, noise). */
  | { type: 'stray-line'; text: string }
  /** A line too long to keep arrived while nothing was waiting. */
  | { type: 'overflow'; droppedBytes: number }
  /** The flush before a command threw away this much of a partial line. */
  | { type: 'flushed'; droppedBytes: number };

/** How a line that no request was waiting for is reported. */
export function unclaimedLineEvent(ended: EndedLine): LineEvent {
  return ended.kind === 'line' ? { type: 'stray-line', text: ended.text } : { type: 'overflow', droppedBytes: ended.droppedBytes };
}

/** The end of a timeout message: whether part of a line came, so a cut cable reads differently from a slow UPS. */
export function partialLineDetail(pendingBytes: number): string {
  return pendingBytes > 0 ? `only ${pendingBytes} bytes of a line arrived` : 'nothing arrived';
}

/** Listeners of one session; each event goes to every listener in the order they subscribed. */
export class EventListeners<E> {
  private readonly listeners = new Set<(e: E) => void>();

  add(listener: (e: E) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: E): void {
    for (const l of this.listeners) l(e);
  }
}
