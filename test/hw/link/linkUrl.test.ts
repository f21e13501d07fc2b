import fc from 'fast-check';
import { formatLinkUrl, parseLinkUrl } from '../../../hw/link/linkUrl';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../../../hw/link/backoff';
import { checkLineSettings, formatLineSettings } from '../../../hw/link/lineSettings';

describe('parseLinkUrl', () => {
  it('reads serial: URLs with settings', () => {
    const r = parseLinkUrl('serial:/dev/ttyS0?baud=2400');
    expect(r).toEqual({ ok: true, value: { kind: 'serial', path: '/dev/ttyS0', settings: { baudRate: 2400, dataBits: 8, parity: 'none', stopBits: 1 }, rtscts: false, hupcl: true } });
    const full = parseLinkUrl('serial:/dev/ttyUSB1?baud=19200&dataBits=7&parity=e&stopBits=2&rtscts=true&hupcl=false');
    expect(full.ok && full.value).toEqual({ kind: 'serial', path: '/dev/ttyUSB1', settings: { baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 2 }, rtscts: true, hupcl: false });
  });

  it('takes a bare absolute path as a serial port with the caller defaults', () => {
    const r = parseLinkUrl('/dev/serial/by-id/usb-FTDI_FT232R-if00-port0', { baudRate: 2400 });
    expect(r.ok && r.value).toMatchObject({ kind: 'serial', path: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0', settings: { baudRate: 2400 } });
    // The URL wins over the defaults.
    const u = parseLinkUrl('/dev/ttyUSB0?baud=9600', { baudRate: 2400 });
    expect(u.ok && u.value.settings.baudRate).toBe(9600);
  });

  it('reads tcp URLs, IPv6 too', () => {
    expect(parseLinkUrl('tcp://10.0.0.5:4001')).toMatchObject({ ok: true, value: { kind: 'tcp', host: '10.0.0.5', port: 4001 } });
    expect(parseLinkUrl('tcp://[fe80::1]:4001?baud=2400')).toMatchObject({ ok: true, value: { kind: 'tcp', host: 'fe80::1', port: 4001, settings: { baudRate: 2400 } } });
  });

  it.each([
    ['', 'empty'],
    ['ttyS0', 'must be absolute'],
    ['http://x:1', 'unknown scheme "http:"'],
    ['tcp://host', 'expected tcp://host:port'],
    ['tcp://host:0', 'port must be 1..65535'],
    ['tcp://host:70000', 'port must be 1..65535'],
    ['tcp://h:1?rtscts=true', 'unknown option(s) rtscts for tcp'],
    ['serial:/dev/ttyS0?baud=fast', 'baud must be a number'],
    ['serial:/dev/ttyS0?baud=96000000', 'baud rate must be a whole number'],
    ['serial:/dev/ttyS0?parity=x', 'parity must be one of'],
    ['serial:/dev/ttyS0?dataBits=9', 'data bits must be one of'],
    ['serial:/dev/ttyS0?baud=1&baud=2', 'given twice'],
    ['serial:/dev/ttyS0?speed=2400', 'unknown option(s) speed'],
    ['serial:/dev/ttyS0?baud', 'must be key=value'],
    ['serial:/dev/tty S0', 'spaces or control characters'],
    ['serial:', 'absolute device path'],
    ['serial:/dev/ttyS0?hupcl=maybe', 'hupcl must be true or false'],
  ])('rejects %j with a clear reason', (url, fragment) => {
    const r = parseLinkUrl(url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(fragment);
  });

  it('round-trips through formatLinkUrl', () => {
    for (const url of ['serial:/dev/ttyS0?baud=2400&parity=odd&rtscts=true&hupcl=false', 'tcp://[::1]:7000?stopBits=2']) {
      const a = parseLinkUrl(url);
      if (!a.ok) throw new Error(a.error);
      expect(parseLinkUrl(formatLinkUrl(a.value))).toEqual(a);
    }
  });

  it('never throws on arbitrary input, and a success always names a path or host', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `serial:/dev/${s}`), fc.string().map((s) => `tcp://${s}`)), (text) => {
        const r = parseLinkUrl(text);
        if (r.ok) expect(r.value.kind === 'serial' ? r.value.path.startsWith('/') : r.value.port > 0).toBe(true);
        else expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('line settings', () => {
  it('checks each field and formats 8N1 style', () => {
    const ok = checkLineSettings({ baudRate: 2400 });
    expect(ok.ok && formatLineSettings(ok.value)).toBe('2400 8N1');
    expect(checkLineSettings({ stopBits: 3 as never })).toEqual({ ok: false, error: 'stop bits must be one of 1, 1.5, 2, got 3' });
    expect(checkLineSettings({ baudRate: 2400.5 }).ok).toBe(false);
  });
});

describe('backoff', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('doubles up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 200].map((n) => backoffDelayMs(n, noJitter, () => 0.5));
    expect(delays.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    expect(delays.at(-1)).toBe(30_000);
    expect(Number.isFinite(backoffDelayMs(1e9, noJitter, () => 0))).toBe(true);
  });

  it('jitter stays within [base*(1-jitter), base]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const base = backoffDelayMs(attempt, noJitter, () => 0);
        const d = backoffDelayMs(attempt, DEFAULT_BACKOFF, () => r);
        expect(d).toBeLessThanOrEqual(base);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.5));
      }),
    );
  });
});
