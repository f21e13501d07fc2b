// `edge-ha fence confirm <node>`: the operator's fence (Heartbeat's meatware,
// Pacemaker's `stonith_admin --confirm`). A person who has checked by hand
// that the peer is powered off tells the running daemon so, and the daemon
// treats the peer as fenced. It is the one fence that proves nothing by
// itself, so it is never sent without a warning and an explicit yes.

import { createInterface } from 'node:readline/promises';
import { ID_PATTERN } from '../../config/fields';
import { controlRequest, ControlError } from '../control';

/** Like sysexits' EX_USAGE: the operator did not confirm; nothing was sent. */
export const NOT_CONFIRMED_EXIT = 64;
const CONFIRM_REQUEST_TIMEOUT_MS = 10_000;
/** A daemon's message is a sentence; anything longer is cut before printing. */
const MAX_MESSAGE_CHARS = 2000;

export interface ConfirmIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Where the node name can be typed: the controlling terminal, when there is one. */
export interface Terminal {
  interactive: boolean;
  ask(question: string): Promise<string>;
}

export function stdinTerminal(): Terminal {
  return {
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

export function confirmWarning(node: string): string {
  return [
    `WARNING: you are about to confirm that ${node} is powered off.`,
    `  The daemon will then take over the service as if ${node} had been fenced by a fence device.`,
    `  If ${node} is in fact still running, both nodes run the service at once and its data can be destroyed.`,
    `  Check ${node}'s power by hand first (unplugged, or switched off at the breaker or PDU, its lights off).`,
  ].join('\n');
}

export interface ConfirmOptions {
  socket: string;
  yes?: boolean;
  json?: boolean;
}

interface ConfirmReply {
  ok: boolean;
  message: string;
}

/** Resolves with the exit code: 0 accepted, 1 refused or failed, 2 bad node name, 64 not confirmed. */
export async function fenceConfirm(node: string, o: ConfirmOptions, io: ConfirmIo, terminal: Terminal = stdinTerminal()): Promise<number> {
  if (!ID_PATTERN.test(node)) {
    io.err(`edge-ha: fence confirm: ${JSON.stringify(node.slice(0, 64))} is not a node id (1 to 64 letters, digits, ".", "_" or "-")`);
    return 2;
  }
  io.err(confirmWarning(node));
  if (o.yes !== true) {
    if (!terminal.interactive) {
      io.err(`edge-ha: not confirming ${node}: no --yes, and no terminal to type the node name at (stdin is not a TTY); check its power by hand, then pass --yes`);
      return NOT_CONFIRMED_EXIT;
    }
    const typed = (await terminal.ask(`Type the node name (${node}) to confirm it is powered off: `)).trim();
    if (typed !== node) {
      io.err(`edge-ha: not confirming ${node}: ${typed === '' ? 'nothing was typed' : `typed ${JSON.stringify(typed.slice(0, 64))}, not ${node}`}`);
      return NOT_CONFIRMED_EXIT;
    }
  }
  let raw: unknown;
  try {
    raw = await controlRequest(o.socket, 'fence-confirm', { target: node, confirmed: true }, { timeoutMs: CONFIRM_REQUEST_TIMEOUT_MS });
  } catch (e) {
    // The daemon said no (unknown node, not its peer, ...): its words are the reason.
    if (e instanceof ControlError && e.kind === 'remote') {
      io.err(`edge-ha: the daemon refused the confirmation: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const reply = parseReply(raw);
  if (reply === null) {
    io.err(`edge-ha: unexpected reply to fence-confirm (expected {ok, message}): ${JSON.stringify(raw)?.slice(0, 200)}`);
    return 1;
  }
  if (o.json) io.out(JSON.stringify(reply, null, 2));
  else if (reply.ok) io.out(reply.message);
  if (!reply.ok) io.err(`edge-ha: ${reply.message}`);
  return reply.ok ? 0 : 1;
}

function parseReply(raw: unknown): ConfirmReply | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { ok, message } = raw as Record<string, unknown>;
  if (typeof ok !== 'boolean') return null;
  const text = typeof message === 'string' && message !== '' ? message : ok ? 'confirmed' : 'refused (the daemon gave no reason)';
  // Control characters from a confused daemon must not reach the operator's terminal.
  const clean = text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
  return { ok, message: clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}...` : clean };
}
