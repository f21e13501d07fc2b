// The ping arbitrator: a node that lost its peer may survive if a configured
// host still answers, either to an ICMP echo (the system `ping`, Debian's
// iputils-ping: `ping -n -c 1 -W <s> host`, judged by its exit code) or, when
// a port is given, to a TCP connect. A refused connection counts as no answer:
// the RST may come from a firewall on the way, not from the host.
//
// LIMITATION: a ping target cannot break a tie. It tells a node "you are not
// cut off from the network", not "you are the only survivor". If only the
// heartbeat paths break while both nodes still reach the target, BOTH are told
// they may survive, and both may run the service. It is only safe when the
// target is reached through the same links and switches as the heartbeats, so
// that nothing can cut the heartbeats without cutting one node from the target
// too. Use a witness (`edge-ha witness` on a third machine) to break ties.

import { spawn } from 'node:child_process';
import net from 'node:net';
import { isHostname } from '../config/hostPort';
import { systemClock, type ArbiterClock, type Arbitrator, type AskResult } from './types';

/** Shown by the config check whenever a ping arbitrator is configured. */
export const PING_TIE_WARNING =
  'a ping arbitrator cannot break a tie: if only the heartbeat paths break and both nodes still reach the ping target, ' +
  'both are allowed to survive and both may run the service. It is safe only when the target is reached through the same ' +
  'links as the heartbeats; otherwise use a witness (edge-ha witness on a third machine).';

/** Output of `ping` kept for the reason text; the rest is dropped. */
const OUTPUT_MAX_CHARS = 2000;

export interface PingArbitratorOptions {
  host: string;
  /** With a port: a TCP connect instead of an ICMP echo. */
  port?: number;
  timeoutMs: number;
  /** The ping program; default `ping` from PATH. */
  pingCommand?: string;
  clock?: ArbiterClock;
}

/** What is wrong with a ping target, or null when it is usable. */
export function checkPingTarget(host: string, port: number | undefined, timeoutMs: number): string | null {
  // A host starting with "-" would be read by ping as an option.
  if (typeof host !== 'string' || (net.isIP(host) === 0 && !isHostname(host))) {
    return `ping arbitrator host ${JSON.stringify(host)} is neither an IP address nor a hostname`;
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) return `ping arbitrator port ${port} is not in 1..65535`;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return `ping arbitrator timeoutMs ${timeoutMs} is not a positive integer`;
  return null;
}

export class PingArbitrator implements Arbitrator {
  readonly description: string;
  private readonly clock: ArbiterClock;

  constructor(private readonly opts: PingArbitratorOptions) {
    const problem = checkPingTarget(opts.host, opts.port, opts.timeoutMs);
    // Operator input goes through checkPingTarget first (createArbitrator): reaching this is a bug.
    if (problem !== null) throw new RangeError(problem);
    this.clock = opts.clock ?? systemClock;
    this.description = opts.port === undefined ? `ping ${opts.host}` : `tcp ${formatTarget(opts.host, opts.port)}`;
  }

  async ask(signal?: AbortSignal): Promise<AskResult> {
    const startMs = this.clock.monotonicMs();
    const r = signal?.aborted ? { ok: false, why: 'cancelled before it started' } : await (this.opts.port === undefined ? this.icmp(signal) : this.tcp(this.opts.port, signal));
    const durationMs = this.clock.monotonicMs() - startMs;
    return { mayProceed: r.ok, reason: `${this.description}: ${r.why}`, durationMs };
  }

  private tcp(port: number, signal?: AbortSignal): Promise<{ ok: boolean; why: string }> {
    const { host, timeoutMs } = this.opts;
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      let done = false;
      const finish = (ok: boolean, why: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ ok, why });
      };
      const onAbort = () => finish(false, 'cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(false, `no TCP connection within ${timeoutMs} ms`), timeoutMs);
      socket.once('connect', () => finish(true, 'TCP connection accepted'));
      socket.once('error', (err: NodeJS.ErrnoException) => {
        const refused = err.code === 'ECONNREFUSED' ? ' (connection refused: nothing listening, or a firewall rejects it)' : '';
        finish(false, `TCP connect failed: ${err.code ?? err.message}${refused}`);
      });
    });
  }

  private icmp(signal?: AbortSignal): Promise<{ ok: boolean; why: string }> {
    const { host, timeoutMs } = this.opts;
    const command = this.opts.pingCommand ?? 'ping';
    // ping waits whole seconds here (portable across iputils versions); our own timer enforces timeoutMs.
    const waitS = Math.max(1, Math.ceil(timeoutMs / 1000));
    return new Promise((resolve) => {
      let output = '';
      let done = false;
      const child = spawn(command, ['-n', '-c', '1', '-W', String(waitS), host], { stdio: ['ignore', 'pipe', 'pipe'] });
      const finish = (ok: boolean, why: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        resolve({ ok, why });
      };
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-OUTPUT_MAX_CHARS);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const onAbort = () => finish(false, 'cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(false, `no echo reply within ${timeoutMs} ms`), timeoutMs);
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          finish(false, `the ${command} program is not installed (Debian: apt install iputils-ping), or give the arbitrator a port for a TCP check`);
        } else {
          finish(false, `cannot run ${command}: ${err.message}`);
        }
      });
      child.once('close', (code) => {
        if (code === 0) return finish(true, 'echo reply received');
        if (code === 1) {
          // iputils reports ICMP errors ("From 10.0.0.1 icmp_seq=1 Destination Host Unreachable") before exiting 1.
          const icmpError = output.split('\n').find((l) => l.startsWith('From '));
          return finish(false, icmpError ? `no echo reply: ${icmpError.trim()}` : `no echo reply within ${waitS} s`);
        }
        finish(false, `${command} failed (exit ${code}): ${lastLine(output) || 'no output'}`);
      });
    });
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length ? lines[lines.length - 1]! : '';
}

function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
