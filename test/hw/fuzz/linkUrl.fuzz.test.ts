// Link URLs (hw/link/linkUrl.ts: serial:/dev/…, bare paths, tcp://host:port
// with line-setting options), fed near-valid URLs with edited options,
// prototype names as keys and values, control bytes and overlong text; and
// the round trip through formatLinkUrl, the canonical form shown in status.

import fc from 'fast-check';
import { formatLinkUrl, MAX_LINK_URL_CHARS, parseLinkUrl, type LinkUrl } from '../../../hw/link/linkUrl';
import { DATA_BITS, MAX_BAUD_RATE, PARITIES, STOP_BITS } from '../../../hw/link/lineSettings';
import { mutatedText } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { HOSTILE_WORDS } from './arbitraries/text';
import { check, expectTypedResult } from './expectTyped';

const SEEDS = [
  'serial:/dev/ttyS0?baud=2400',
  'serial:/dev/ttyUSB1?baud=19200&dataBits=7&parity=e&stopBits=2&rtscts=true&hupcl=false',
  '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A1B2C3-if00-port0',
  'serial:///dev/ttyAMA0?stopBits=1.5',
  'tcp://10.0.0.5:4001',
  'tcp://[fe80::1]:4001?baud=2400&parity=none',
  'tcp://ser2net.lab:7000/',
];
const KEYS = ['baud', 'dataBits', 'parity', 'stopBits', 'rtscts', 'hupcl', ...HOSTILE_WORDS];
const VALUES = ['2400', '9600', '4000001', '49', '8', '1.5', 'n', 'E', 'odd', 'true', '0', ...HOSTILE_WORDS];

/** A URL with an option list drawn from real keys and values and the hostile dictionary. */
const optionUrl = fc
  .tuple(fc.constantFrom('serial:/dev/ttyS0', '/dev/ttyUSB0', 'tcp://h:1', 'tcp://[::1]:65535', 'serial://x'), fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 5 }))
  .map(([head, opts]) => (opts.length === 0 ? head : `${head}?${opts.map(([k, v]) => `${k}=${v}`).join('&')}`));

const hostileUrl = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SEEDS) },
  { weight: 4, arbitrary: mutatedText(fc.constantFrom(...SEEDS), [0x3f, 0x26, 0x3d, 0x3a, 0x2f, 0x5b, 0x5d, 0x20]) },
  { weight: 3, arbitrary: optionUrl },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_LINK_URL_CHARS - 2, max: MAX_LINK_URL_CHARS * 3 }).map((n) => `serial:/${'d'.repeat(n)}`) },
);

function expectSaneLink(u: LinkUrl): void {
  const s = u.settings;
  check(Number.isInteger(s.baudRate) && s.baudRate >= 50 && s.baudRate <= MAX_BAUD_RATE, () => `baud ${s.baudRate}`);
  check(DATA_BITS.includes(s.dataBits) && PARITIES.includes(s.parity) && STOP_BITS.includes(s.stopBits), () => `settings ${JSON.stringify(s)}`);
  if (u.kind === 'serial') check(u.path.startsWith('/') && u.path.length >= 2 && !/[\s\0-\x1f?]/.test(u.path), () => `path ${JSON.stringify(u.path)}`);
  else check(Number.isInteger(u.port) && u.port >= 1 && u.port <= 65535 && u.host.length > 0, () => `${u.host}:${u.port}`);
}

describe('parseLinkUrl on hostile URLs', () => {
  it('returns a typed result; a success has valid settings and a usable path or host:port', () => {
    fc.assert(
      fc.property(hostileUrl, fc.constantFrom({}, { baudRate: 2400 }), (url, defaults) => {
        const r = expectTypedResult(parseLinkUrl(url, defaults));
        if (r.ok) expectSaneLink(r.value);
      }),
      fuzzParams(3000),
    );
  });

  it('every accepted URL round-trips through its canonical form', () => {
    fc.assert(
      fc.property(hostileUrl, (url) => {
        const first = parseLinkUrl(url);
        if (!first.ok) return;
        const canonical = formatLinkUrl(first.value);
        // The canonical form spells out every setting, so a URL near the length limit can grow past it (reported).
        fc.pre(canonical.length <= MAX_LINK_URL_CHARS);
        expect(parseLinkUrl(canonical)).toEqual(first);
      }),
      fuzzParams(2000),
    );
  });

  it('regression: a path starting with "//" keeps its slashes through the canonical form (hw/link/linkUrl.ts formatLinkUrl)', () => {
    for (const url of ['///dev/ttyS0', 'serial://x', 'serial:////dev/ttyS0']) {
      const first = parseLinkUrl(url);
      if (!first.ok) throw new Error(first.error);
      expect(parseLinkUrl(formatLinkUrl(first.value))).toEqual(first);
    }
  });

  it('regression: a parity named after an Object.prototype member is reported by its text (hw/link/linkUrl.ts)', () => {
    expect(parseLinkUrl('serial:/dev/ttyS0?parity=constructor')).toEqual({ ok: false, error: expect.stringContaining('got "constructor"') });
  });
});
