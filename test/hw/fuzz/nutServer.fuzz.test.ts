// NUT network protocol, server side (hw/ups/nut): the request handler fed
// hostile request lines, and the TCP server fed hostile byte streams in
// random chunks (overlong lines, storms, pipelined garbage). Every answer must
// be single-line protocol text a NUT client can split, every ERR token one
// upsd defines, and the server must keep serving new connections.

import fc from 'fast-check';
import { connect, type Socket } from 'node:net';
import { isNutErrorCode, NUT_MAX_LINE_CHARS, splitNutWords } from '../../../hw/ups/nut/protocol';
import { NutServer } from '../../../hw/ups/nut/server';
import { NUT_SERVER_VERSION, NutCommandHandler, type NutConnectionState, type NutServerConfig } from '../../../hw/ups/nut/serverCommands';
import { cutPoints, hugeRun, latin1Bytes, mixedStream, mutatedText, splitAt, storm } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { NUT_DUMPS } from './arbitraries/seeds';
import { HOSTILE_WORDS } from './arbitraries/text';

const LF = 0x0a;
const UPS = 'ups1';
const DUMP = NUT_DUMPS[0]!;

const CONFIG: NutServerConfig = {
  ups: [{ name: UPS, description: 'Fuzzed "UPS" \\ with quotes' }, { name: 'stale' }],
  provider: (ups) => (ups === 'stale' ? 'stale' : { vars: new Map([...DUMP.vars, ['ups.alarm', 'line\nbreak\x00'], ['bad name', 'x']]) }),
  users: { mon: { password: 'pw', upsmon: true }, viewer: { password: 'pw' } },
};

/** Requests upsmon, upsc and our client send, with real variable names. */
const REQUESTS: readonly string[] = [
  'VER',
  'NETVER',
  'PROTVER',
  'HELP',
  'STARTTLS',
  'LIST UPS',
  `LIST VAR ${UPS}`,
  `LIST RW ${UPS}`,
  `LIST CMD ${UPS}`,
  `LIST CLIENT ${UPS}`,
  `LIST ENUM ${UPS} ups.status`,
  `LIST RANGE ${UPS} ups.status`,
  'LIST VAR stale',
  `GET UPSDESC ${UPS}`,
  `GET NUMLOGINS ${UPS}`,
  `GET TYPE ${UPS} ups.status`,
  `GET DESC ${UPS} ups.status`,
  `GET CMDDESC ${UPS} load.off`,
  ...[...DUMP.vars.keys()].slice(0, 20).map((v) => `GET VAR ${UPS} ${v}`),
  'USERNAME mon',
  'PASSWORD pw',
  'PASSWORD "p w"',
  `LOGIN ${UPS}`,
  `SET VAR ${UPS} ups.id "x"`,
  `INSTCMD ${UPS} load.off`,
  `FSD ${UPS}`,
  `PRIMARY ${UPS}`,
];

const hostileRequest: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...REQUESTS) },
  { weight: 5, arbitrary: mutatedText(fc.constantFrom(...REQUESTS), [0x22, 0x5c, 0x20, 0x09]) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...HOSTILE_WORDS, 'GET', 'LIST', 'VAR', UPS, 'stale', 'ups.status'), { maxLength: 7 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
);

/** One answer line is protocol text: no line break or control byte, splittable, ERR tokens upsd knows. */
function expectWellFormedAnswer(line: string): void {
  expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
  const words = splitNutWords(line);
  if (!words.ok) throw new Error(`answer ${JSON.stringify(line)} does not split: ${words.error}`);
  if (words.value[0] === 'ERR') expect(isNutErrorCode(words.value[1] ?? '')).toBe(true);
}

describe('NutCommandHandler on hostile requests', () => {
  it('answers any sequence of lines on one connection with well-formed protocol text and never rejects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRequest, { minLength: 1, maxLength: 10 }), async (lines) => {
        const handler = new NutCommandHandler(CONFIG);
        const conn: NutConnectionState = { address: '127.0.0.1' };
        for (const line of lines) {
          const answer = await handler.handle(line, conn);
          answer.lines.forEach(expectWellFormedAnswer);
          if (answer.close) {
            const words = splitNutWords(line);
            expect(words.ok && words.value[0]!.toUpperCase()).toBe('LOGOUT');
          }
          // Nothing a client sends turns this read-only server into one that accepts a write.
          if (/^(SET|INSTCMD|FSD|PRIMARY|MASTER)\b/i.test(line.trim())) expect(answer.lines[0]).toMatch(/^ERR /);
        }
        handler.forget(conn);
      }),
      fuzzParams(500),
    );
  });
});

/** Connect, send `chunks`, then VER; resolve with every answer line once the VER banner (or a close) arrives. */
function talk(port: number, chunks: Uint8Array[]): Promise<{ lines: string[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ lines: text.split('\n').filter((_, i, all) => i < all.length - 1), closed });
    };
    const timer = setTimeout(() => reject(new Error(`no VER banner and no close within 3 s; got ${JSON.stringify(text.slice(-200))}`)), 3000);
    socket.on('data', (b) => {
      text += b.toString('utf8');
      if (text.includes(`${NUT_SERVER_VERSION}\n`)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      socket.write('\nVER\n');
    });
  });
}

describe('NutServer on hostile TCP streams', () => {
  let server: NutServer;
  let port = 0;
  beforeAll(async () => {
    server = new NutServer({ ...CONFIG, port: 0, maxPendingLines: 16 });
    port = (await server.listen()).port;
  });
  afterAll(() => server.close());

  const REQUEST_BYTES = REQUESTS.map((r) => latin1Bytes(`${r}\n`));
  const stream = fc.oneof(
    mixedStream(REQUEST_BYTES, NUT_MAX_LINE_CHARS, [LF]),
    fc.tuple(hugeRun(NUT_MAX_LINE_CHARS, [LF]), storm(50)).map(([a, b]) => Uint8Array.from([...a, ...b])),
  );

  it('answers with well-formed lines or drops the client, and keeps serving new connections', async () => {
    await fc.assert(
      fc.asyncProperty(stream, cutPoints, async (bytes, cuts) => {
        const got = await talk(port, splitAt(bytes, cuts));
        got.lines.forEach(expectWellFormedAnswer);
        // An overlong request is answered ERR TOO-LONG, never parsed in pieces.
        const firstLf = bytes.indexOf(LF);
        if ((firstLf < 0 ? bytes.length : firstLf) > NUT_MAX_LINE_CHARS && got.lines.length > 0) expect(got.lines[0]).toBe('ERR TOO-LONG');
        const fresh = await talk(port, []);
        expect(fresh).toEqual({ lines: [NUT_SERVER_VERSION], closed: false });
      }),
      fuzzParams(100),
    );
    // Every connection the property opened is gone once its socket closed: none is leaked.
    for (let i = 0; i < 100 && server.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.connectionCount).toBe(0);
  });
});
