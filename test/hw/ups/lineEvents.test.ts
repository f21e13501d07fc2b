import { EventListeners, partialLineDetail, unclaimedLineEvent } from '../../../hw/ups/lineEvents';

describe('line events shared by the UPS sessions', () => {
  it('reports an unclaimed line as stray-line and an unclaimed overflow as overflow', () => {
    expect(unclaimedLineEvent({ kind: 'line', text: '#230.0' })).toEqual({ type: 'stray-line', text: '#230.0' });
    expect(unclaimedLineEvent({ kind: 'overflow', droppedBytes: 300 })).toEqual({ type: 'overflow', droppedBytes: 300 });
  });

  it('says whether part of a line arrived before a timeout', () => {
    expect(partialLineDetail(0)).toBe('nothing arrived');
    expect(partialLineDetail(7)).toBe('only 7 bytes of a line arrived');
  });

  it('delivers each event to every listener in subscription order until it unsubscribes', () => {
    const events = new EventListeners<number>();
    const seen: string[] = [];
    const stopA = events.add((n) => seen.push(`a${n}`));
    events.add((n) => seen.push(`b${n}`));
    events.emit(1);
    stopA();
    stopA();
    events.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });
});
