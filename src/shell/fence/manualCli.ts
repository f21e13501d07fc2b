// What `edge-ha fence-device` does once commander has parsed it: build the
// device, run one action, print the result (the password redacted from every
// line), hold a hold-mode relay when asked, and release what was claimed.

import { MANUAL_ACTIONS, type ManualAction, type ManualOptions } from './manualAgents';
import { buildManualDevice, runManualAction } from './manualDevice';
import { redact } from './secretFile';

export interface ManualIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Resolves when the operator wants a held relay released; default: SIGINT or SIGTERM. */
  interrupted?: () => Promise<void>;
}

/** Runs `fence-device <agent>`; resolves with the exit code (0 ok/on, 1 failed, 2 off). Never rejects. */
export async function runFenceDevice(agent: string, o: ManualOptions, io: ManualIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!MANUAL_ACTIONS.includes(o.action as ManualAction)) {
    const got = o.action === undefined ? 'nothing' : JSON.stringify(o.action.slice(0, 32));
    io.err(`edge-ha: --action: expected one of ${MANUAL_ACTIONS.join(', ')}, got ${got}`);
    return 1;
  }
  const action = o.action as ManualAction;
  const built = await buildManualDevice(agent, o, env);
  if (!built.ok) {
    io.err(`edge-ha: ${built.reason}`);
    return 1;
  }
  const m = built.value;
  try {
    const r = await runManualAction(m, action);
    const say = (s: string) => redact(s, m.secret);
    if (o.json) io.out(say(JSON.stringify({ agent, target: m.target, ...r }, null, 2)));
    else if (r.exitCode !== 1) io.out(say(`${agent} ${action}: ${r.reason} (${r.durationMs} ms)`));
    // Even with --json the reason of a failure goes to stderr, so a script sees why.
    if (r.exitCode === 1) io.err(say(`edge-ha: ${agent} ${action} failed: ${r.reason}`));
    if (action === 'off' && r.exitCode === 0 && m.hold !== undefined) await holdRelay(agent, m.hold.holdMs, io);
    return r.exitCode;
  } finally {
    await m.close?.();
  }
}

/**
 * A hold-mode relay stays energised only while a process holds its line: the
 * kernel releases a gpiod line when its holder exits. So a confirmed off is
 * held here, and the operator is told that ending the command powers the
 * peer back on.
 */
async function holdRelay(agent: string, holdMs: number | null, io: ManualIo): Promise<void> {
  if (holdMs === 0) {
    io.err(`${agent}: --hold-ms 0: releasing the relay now; the peer gets its power back`);
    return;
  }
  const until = holdMs === null ? 'until you press Ctrl-C (or send SIGTERM)' : `for ${holdMs} ms (or until Ctrl-C)`;
  io.err(`${agent}: holding the relay energised ${until}; releasing it gives the peer its power back`);
  const released = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const waits = [io.interrupted ? io.interrupted() : signalled(released.signal)];
    if (holdMs !== null) waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, holdMs))));
    await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    released.abort();
  }
}

/** SIGINT or SIGTERM; the handlers are removed when `done` aborts, so Ctrl-C works as usual again. */
function signalled(done: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    done.addEventListener('abort', stop, { once: true });
  });
}
