// Smart-mode handshake: `Y` must be answered `SM`. Like NUT, try again a few
// times and send ESC between tries, which clears whatever half-command the UPS
// may be holding.

import { err, ok, type Result } from '../result';
import { sessionError, type SessionError } from '../sessionError';
import { describeBytes } from '../transport';
import { APC_ESCAPE, APC_SMART_MODE } from './commands';
import type { ApcReceived, Transact } from './session';

export async function handshake(transact: Transact, attempts: number): Promise<Result<void, SessionError>> {
  let last = 'nothing';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const got = await transact(APC_SMART_MODE);
    if (!got.ok) return got;
    if (got.value?.kind === 'line' && got.value.text === 'SM') return ok(undefined);
    last = describeReceived(got.value);
    if (attempt < attempts) {
      // ESC expects no answer: a zero wait just sends it.
      const esc = await transact(APC_ESCAPE, { timeoutMs: 0 });
      if (!esc.ok) return esc;
    }
  }
  return err(sessionError('not-smart', `the UPS did not answer SM to Y after ${attempts} tries; last answer: ${last}`, { command: 'Y' }));
}

function describeReceived(r: ApcReceived | null): string {
  if (r === null) return 'nothing';
  if (r.kind === 'line') return `"${describeBytes(r.text)}"`;
  if (r.kind === 'overflow') return `an overlong line (${r.droppedBytes} bytes)`;
  return `alert ${r.alert.char}`;
}
