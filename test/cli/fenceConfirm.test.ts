// `edge-ha fence confirm <node>`: the operator's confirmation that the peer is
// powered off, sent to the daemon as `fence-confirm`. A small fake daemon on a
// control socket records what arrives and answers as the test says.

import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { startControlServer, type ControlServer } from '../../src/shell/control';
import { confirmWarning, fenceConfirm, NOT_CONFIRMED_EXIT, type Terminal } from '../../src/shell/fence/manualConfirm';
import { makeTempDir } from '../shell/control/helpers';
import { runFenceCli } from './fenceHelpers';

let dir: string;
let sock: string;
let server: ControlServer;
const received: Array<{ cmd: string; args: Record<string, unknown> }> = [];
let answer: (args: Record<string, unknown>) => unknown = () => ({ ok: true, message: 'node-b confirmed powered off by the operator; taking over' });

beforeAll(async () => {
  dir = makeTempDir('edge-ha-fence-confirm-');
  sock = path.join(dir, 'control.sock');
  server = await startControlServer({
    path: sock,
    handler: async (cmd, args) => {
      received.push({ cmd, args });
      return answer(args);
    },
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received.length = 0;
  answer = () => ({ ok: true, message: 'node-b confirmed powered off by the operator; taking over' });
});

/** A terminal the operator types `typed` at; records the prompt. */
function terminal(typed: string | null): Terminal & { asked: string[] } {
  const asked: string[] = [];
  return { interactive: typed !== null, asked, ask: async (q) => (asked.push(q), typed ?? '') };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

describe('fence confirm', () => {
  it('--yes: prints the warning, sends fence-confirm for the node, prints the reply, exit 0', async () => {
    const r = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', sock]);
    expect(r.code).toBe(0);
    expect(received).toEqual([{ cmd: 'fence-confirm', args: { target: 'node-b', confirmed: true } }]);
    expect(r.out).toBe('node-b confirmed powered off by the operator; taking over\n');
    expect(r.err).toContain(confirmWarning('node-b'));
    expect(r.err).toMatch(/take over the service as if node-b had been fenced/);
    expect(r.err).toMatch(/both nodes run the service at once and its data can be destroyed/);
    expect(r.err).toMatch(/Check node-b's power by hand first/);
  });

  it('the daemon refusing (ok:false) is exit 1 with its message on stderr; --json prints the reply', async () => {
    answer = () => ({ ok: false, message: 'node-b is not this node\'s peer' });
    const r = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', sock]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/edge-ha: node-b is not this node's peer\n$/);
    const json = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '--json', '-s', sock]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ ok: false, message: "node-b is not this node's peer" });
  });

  it('a daemon error reply, or a reply that is not {ok, message}, is exit 1 with why', async () => {
    answer = () => {
      throw new Error('unknown command "fence-confirm"');
    };
    const refused = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', sock]);
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/the daemon refused the confirmation: unknown command "fence-confirm"/) });
    answer = () => ({ accepted: 'yes' });
    const odd = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', sock]);
    expect(odd).toMatchObject({ code: 1, err: expect.stringMatching(/unexpected reply to fence-confirm \(expected \{ok, message\}\): \{"accepted":"yes"\}/) });
    answer = () => ({ ok: true, message: 'done\u001b[2J' });
    const escaped = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', sock]);
    expect(escaped).toMatchObject({ code: 0, out: 'done?[2J\n' });
  });

  it('without --yes and with no terminal it refuses (64) and sends nothing', async () => {
    const saved = process.stdin.isTTY;
    process.stdin.isTTY = false;
    try {
      const r = await runFenceCli(['fence', 'confirm', 'node-b', '-s', sock]);
      expect(r.code).toBe(NOT_CONFIRMED_EXIT);
      expect(r.code).toBe(64);
      expect(r.err).toContain('WARNING: you are about to confirm that node-b is powered off.');
      expect(r.err).toMatch(/not confirming node-b: no --yes, and no terminal to type the node name at \(stdin is not a TTY\); check its power by hand, then pass --yes/);
    } finally {
      process.stdin.isTTY = saved;
    }
    expect(received).toEqual([]);
  });

  it('on a terminal, typing the node name confirms; anything else refuses (64) and sends nothing', async () => {
    const wrong = io();
    const t1 = terminal('node-a');
    expect(await fenceConfirm('node-b', { socket: sock }, wrong.io, t1)).toBe(64);
    expect(t1.asked).toEqual(['Type the node name (node-b) to confirm it is powered off: ']);
    expect(wrong.err.join('\n')).toMatch(/not confirming node-b: typed "node-a", not node-b/);
    const empty = io();
    expect(await fenceConfirm('node-b', { socket: sock }, empty.io, terminal(''))).toBe(64);
    expect(empty.err.join('\n')).toMatch(/nothing was typed/);
    expect(received).toEqual([]);
    const right = io();
    expect(await fenceConfirm('node-b', { socket: sock }, right.io, terminal(' node-b \n'))).toBe(0);
    expect(received).toEqual([{ cmd: 'fence-confirm', args: { target: 'node-b', confirmed: true } }]);
    // The warning comes before the question.
    expect(right.err[0]).toBe(confirmWarning('node-b'));
  });

  it('a name that is not a node id is refused (2) before anything is asked or sent', async () => {
    const r = io();
    const t = terminal('x');
    expect(await fenceConfirm('node b;rm', { socket: sock, yes: true }, r.io, t)).toBe(2);
    expect(r.err.join('\n')).toMatch(/"node b;rm" is not a node id/);
    expect(t.asked).toEqual([]);
    expect(received).toEqual([]);
  });

  it('no daemon listening: says so, exit non-zero, nothing confirmed', async () => {
    const r = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', path.join(dir, 'nothing.sock')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/no daemon is listening on .*nothing\.sock/);
    const noConfig = await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-c', path.join(dir, 'missing.yaml')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toMatch(/or pass --socket PATH/);
  });

  it('on the wire: one request line {"id":1,"cmd":"fence-confirm","args":{"target":...,"confirmed":true}}', async () => {
    const rawSock = path.join(dir, 'raw.sock');
    const lines: string[] = [];
    const raw = net.createServer((s) => {
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        lines.push(buf.slice(0, nl));
        s.end(`${JSON.stringify({ id: 1, ok: true, result: { ok: true, message: 'ok' } })}\n`);
      });
    });
    await new Promise<void>((r) => raw.listen(rawSock, r));
    try {
      expect((await runFenceCli(['fence', 'confirm', 'node-b', '--yes', '-s', rawSock])).code).toBe(0);
    } finally {
      await new Promise((r) => raw.close(r));
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ id: 1, cmd: 'fence-confirm', args: { target: 'node-b', confirmed: true } });
  });
});
