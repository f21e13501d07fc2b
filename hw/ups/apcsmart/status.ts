// The `Q` status bitmap (two hex digits, reference §4.3) and how alerts change
// it between polls, as NUT's alert_handler does.

import { normalizeStatus, type UpsStatusToken } from '../model';
import { err, ok, type Result } from '../result';
import { describeBytes } from '../transport';
import type { ApcAlertKind } from './alerts';

export const APC_STATUS_BITS: readonly { mask: number; token: UpsStatusToken }[] = [
  { mask: 0x01, token: 'CAL' },
  { mask: 0x02, token: 'TRIM' },
  { mask: 0x04, token: 'BOOST' },
  { mask: 0x08, token: 'OL' },
  { mask: 0x10, token: 'OB' },
  { mask: 0x20, token: 'OVER' },
  { mask: 0x40, token: 'LB' },
  { mask: 0x80, token: 'RB' },
];

/** Tokens for a bitmap; 0 reads as OFF, as in NUT. */
export function apcStatusTokens(bits: number): UpsStatusToken[] {
  if ((bits & 0xff) === 0) return ['OFF'];
  return normalizeStatus(APC_STATUS_BITS.filter((b) => (bits & b.mask) !== 0).map((b) => b.token));
}

/** Bitmap for tokens (tokens with no bit, e.g. FSD, are ignored). */
export function apcStatusBits(tokens: Iterable<UpsStatusToken>): number {
  const set = new Set(tokens);
  return APC_STATUS_BITS.reduce((acc, b) => (set.has(b.token) ? acc | b.mask : acc), 0);
}

export type ApcStatusDecode = Result<{ bits: number; tokens: UpsStatusToken[] }, { notReady: boolean; message: string }>;

/** `08` → OL. `SM` means "not available yet, ask again". */
export function decodeApcStatus(text: string): ApcStatusDecode {
  if (text === 'SM') return err({ notReady: true, message: 'Q answered SM: status not available yet' });
  if (!/^[0-9A-Fa-f]{2}$/.test(text)) {
    return err({ notReady: false, message: `Q answer must be two hex digits, got "${describeBytes(text)}"` });
  }
  const bits = parseInt(text, 16);
  return ok({ bits, tokens: apcStatusTokens(bits) });
}

export function encodeApcStatus(bits: number): string {
  return (bits & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/** The bitmap after an alert, NUT's alert_handler plus `?`/`=` for OVER (reference §4.4). */
export function applyAlertToStatus(bits: number, alert: ApcAlertKind): number {
  switch (alert) {
    case 'on-battery':
      return (bits & ~0x08) | 0x10;
    case 'on-line':
      return (bits & ~0x10) | 0x08;
    case 'low-battery':
      return bits | 0x40;
    case 'battery-ok':
      return bits & ~0x40;
    case 'replace-battery':
      return bits | 0x80;
    case 'abnormal':
      return bits | 0x20;
    case 'abnormal-cleared':
      return bits & ~0x20;
    default:
      return bits;
  }
}
