// A source closed while its driver is still starting must not keep the link.

import { linkedSource, type LinkedDriver } from '../../../../hw/ups/monitor/linkedSource';
import type { ByteTransport } from '../../../../hw/ups/transport';

function fakeLink(): ByteTransport & { closed: boolean } {
  const l = { closed: false, write: () => undefined, onData: () => () => undefined, close: () => void (l.closed = true) };
  return l;
}

test('close() during the driver start-up closes the new driver and its link', async () => {
  const link = fakeLink();
  let driverClosed = false;
  let finishStart!: () => void;
  const started = new Promise<void>((r) => (finishStart = r));
  const driver: LinkedDriver = { read: async () => ({ ok: false, error: { kind: 'timeout', message: 'x' } }) as never, close: () => void (driverClosed = true) };
  const source = linkedSource('test ups', async () => link, async () => {
    await started;
    return { ok: true, value: driver };
  });
  const reading = source.read();
  await new Promise((r) => setImmediate(r));
  source.close();
  finishStart();
  const r = await reading;
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.kind).toBe('closed');
  expect(driverClosed).toBe(true);
  expect(link.closed).toBe(true);
});
