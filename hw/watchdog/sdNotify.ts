// Sending sd_notify datagrams without a native addon. Node's dgram has no
// AF_UNIX, so a child process sends them. Chosen: the `systemd-notify`
// binary, because since systemd 246 it waits (BARRIER=1) until PID 1 has
// processed the message, which closes the race where systemd cannot
// attribute a datagram from an already-exited child to our unit. Fallback:
// `socat - UNIX-SENDTO:` (racy in that respect). Both need NotifyAccess=all
// in the unit, since the sender is a child. The spawn is injectable.

import { spawn } from 'node:child_process';

export type NotifyResult = { ok: true } | { ok: false; error: string };

export interface SdNotifier {
  /** `systemd-notify` or `socat`, for reports. */
  readonly via: string;
  /** Send one datagram with these `KEY=value` assignments. Never rejects. */
  notify(assignments: readonly string[]): Promise<NotifyResult>;
}

/** Runs a program with args and stdin text; resolves with exit code and stderr. */
export type RunProgram = (file: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; stdin: string; timeoutMs: number }) => Promise<{ code: number | null; stderr: string; error?: string }>;

export const SD_NOTIFY_TIMEOUT_MS = 5000;
/** A status line longer than this is cut; systemd shows one line anyway. */
export const SD_STATUS_MAX_CHARS = 512;

/** `KEY=value` with a valid key and a value without newlines (cut to SD_STATUS_MAX_CHARS); null if the key is bad. */
export function assignment(key: string, value: string): string | null {
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(key)) return null;
  const clean = value.replace(/[\r\n]+/g, ' ').slice(0, SD_STATUS_MAX_CHARS);
  return `${key}=${clean}`;
}

export const runProgram: RunProgram = (file, args, options) =>
  new Promise((resolve) => {
    let child;
    try {
      child = spawn(file, [...args], { env: options.env, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (err) {
      resolve({ code: null, stderr: '', error: (err as Error).message });
      return;
    }
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(0, 512)));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stderr, error: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stderr, error: signal === 'SIGKILL' ? `no exit within ${options.timeoutMs} ms` : undefined });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin);
  });

interface SenderOptions {
  socket: string;
  binary?: string;
  timeoutMs?: number;
  run?: RunProgram;
}

function result(via: string, r: { code: number | null; stderr: string; error?: string }): NotifyResult {
  if (r.error !== undefined) return { ok: false, error: `${via}: ${r.error}` };
  if (r.code === 0) return { ok: true };
  return { ok: false, error: `${via} exited ${r.code}${r.stderr.trim() === '' ? '' : `: ${r.stderr.trim()}`}` };
}

/** systemd-notify; `noBlock` skips the barrier (only for test receivers that are not systemd). */
export function systemdNotifySender(o: SenderOptions & { noBlock?: boolean }): SdNotifier {
  const binary = o.binary ?? 'systemd-notify';
  const run = o.run ?? runProgram;
  return {
    via: 'systemd-notify',
    notify: async (assignments) => {
      const args = [...(o.noBlock === true ? ['--no-block'] : []), ...assignments];
      const env = { ...process.env, NOTIFY_SOCKET: o.socket };
      return result(binary, await run(binary, args, { env, stdin: '', timeoutMs: o.timeoutMs ?? SD_NOTIFY_TIMEOUT_MS }));
    },
  };
}

/** socat: one datagram from stdin to the socket (`@name` → abstract namespace). */
export function socatSender(o: SenderOptions): SdNotifier {
  const binary = o.binary ?? 'socat';
  const run = o.run ?? runProgram;
  const address = o.socket.startsWith('@') ? `ABSTRACT-SENDTO:${o.socket.slice(1)}` : `UNIX-SENDTO:${o.socket}`;
  return {
    via: 'socat',
    notify: async (assignments) =>
      result(binary, await run(binary, ['-u', '-', address], { env: process.env, stdin: assignments.join('\n'), timeoutMs: o.timeoutMs ?? SD_NOTIFY_TIMEOUT_MS })),
  };
}

/** Pick systemd-notify, else socat, from what `which` finds; null with the reason when neither exists. */
export async function chooseNotifier(
  socket: string,
  which: (name: string) => Promise<string | null>,
): Promise<{ notifier: SdNotifier } | { notifier: null; why: string }> {
  const sn = await which('systemd-notify');
  if (sn !== null) return { notifier: systemdNotifySender({ socket, binary: sn }) };
  const socat = await which('socat');
  if (socat !== null) return { notifier: socatSender({ socket, binary: socat }) };
  return { notifier: null, why: 'neither systemd-notify nor socat is installed: cannot send sd_notify messages' };
}
