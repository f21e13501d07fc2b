// Operator commands sent to the daemons over their control sockets, with the
// daemon's answer (or the reason there was none) as one readable outcome.

import type { InjectArgs } from '../daemon/contract';
import { controlRequest } from '../shell/control';
import type { CommandOutcome } from './events';

export interface ControlTarget {
  id: string;
  controlSocket: string;
}

/** A CommandReply (`{ok, message}`) as an outcome; any other result counts as success. */
export function replyOutcome(result: unknown): CommandOutcome {
  if (typeof result === 'object' && result !== null) {
    const r = result as { ok?: unknown; message?: unknown };
    const message = typeof r.message === 'string' ? r.message : 'done';
    return { ok: r.ok !== false, message };
  }
  return { ok: true, message: typeof result === 'string' ? result : 'done' };
}

/** Sends one command; never rejects. */
export async function sendCommand(
  target: ControlTarget,
  cmd: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<CommandOutcome> {
  try {
    return replyOutcome(await controlRequest(target.controlSocket, cmd, args, { timeoutMs }));
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** Fault injection on every target at once: `cut crossover: node-a ok, node-b failed (...)`. */
export async function injectAll(
  targets: readonly ControlTarget[],
  args: InjectArgs,
  what: string,
  timeoutMs: number,
): Promise<CommandOutcome> {
  const results = await Promise.all(
    targets.map(async (t) => ({ id: t.id, ...(await sendCommand(t, 'inject', { ...args }, timeoutMs)) })),
  );
  const parts = results.map((r) => `${r.id} ${r.ok ? 'ok' : `failed (${r.message})`}`);
  return { ok: results.every((r) => r.ok), message: `${what}: ${parts.join(', ')}` };
}
