// The classic APC MasterSwitch menu console (AP9211 etc., reference §9.4;
// cluster-glue apcmaster.c, fence_apc): numbered menus that end with the
// prompt `> `, ESC to go up one level, outlet lists `<n>- <name>   ON|OFF`,
// and a `YES` confirmation before any switch. Pure matchers only.

import { describeBytes } from '../../ups/transport';
import type { Match } from '../textSession';
import type { ApcOutletState } from './protocol';

const USER_PROMPT = /User Name\s*:\s*$/;
const CONFIRM_PROMPT = /Enter 'YES' to continue or <ENTER> to cancel\s*:\s*$/;
const PRESS_ENTER = /Press <ENTER> to continue\.\.\.\s*$/;
/** A menu ends with `> ` alone on its line. */
const MENU_END = /(^|[\r\n])> ?$/;

/** Menu choices differ by model: Switched Rack PDU `1` on / `2` off; MasterSwitch plus `1` on / `3` off. */
export type ApcMenuVariant = 'rack-pdu' | 'masterswitch-plus';

export function controlChoice(variant: ApcMenuVariant, want: 'on' | 'off'): string {
  if (want === 'on') return '1';
  return variant === 'masterswitch-plus' ? '3' : '2';
}

function garbage(buffer: string): string | undefined {
  return /[^\x20-\x7e\t\r\n]/.test(buffer) ? `not an APC menu console: "${describeBytes(buffer, 40)}"` : undefined;
}

/** A whole menu up to its `> ` prompt; the value is the menu text. */
export function matchMenu(buffer: string): Match<string> {
  const bad = garbage(buffer);
  if (bad) return { kind: 'fail', reason: bad };
  return MENU_END.test(buffer) ? { kind: 'match', value: buffer, consumed: buffer.length } : { kind: 'more' };
}

/** After the password: the top menu, or `User Name :` again when refused. */
export function matchMenuLogin(buffer: string): Match<string> {
  if (USER_PROMPT.test(buffer)) return { kind: 'fail', reason: 'login refused (the PDU asked for the user name again)' };
  return matchMenu(buffer);
}

export function matchConfirmPrompt(buffer: string): Match<true> {
  const bad = garbage(buffer);
  if (bad) return { kind: 'fail', reason: bad };
  if (CONFIRM_PROMPT.test(buffer)) return { kind: 'match', value: true, consumed: buffer.length };
  if (MENU_END.test(buffer)) return { kind: 'fail', reason: 'the PDU showed a menu instead of the YES confirmation' };
  return { kind: 'more' };
}

export function matchPressEnter(buffer: string): Match<true> {
  const bad = garbage(buffer);
  if (bad) return { kind: 'fail', reason: bad };
  if (PRESS_ENTER.test(buffer)) return { kind: 'match', value: true, consumed: buffer.length };
  if (MENU_END.test(buffer)) return { kind: 'fail', reason: 'the PDU went back to a menu without "Press <ENTER> to continue..."' };
  return { kind: 'more' };
}

/**
 * The number of the menu item whose label matches, as fence_apc finds
 * `Control Outlet` and `Immediate Off` by label: choosing by label means a
 * menu we did not expect is a failure, never a keypress on the wrong item.
 */
export function findMenuChoice(menu: string, label: RegExp): string | undefined {
  for (const line of menu.split(/[\r\n]+/)) {
    const m = /^\s*([0-9]{1,2})-\s+(.*?)\s*$/.exec(line);
    if (m && label.test(m[2]!)) return m[1];
  }
  return undefined;
}

export function switchLabel(want: 'on' | 'off'): RegExp {
  return want === 'on' ? /^Immediate On$/ : /^Immediate Off$/;
}

/** Outlet lines of a Device Manager menu: `   3- web server        OFF`. */
export function parseMenuOutlets(menu: string): ApcOutletState[] {
  const out: ApcOutletState[] = [];
  for (const line of menu.split(/[\r\n]+/)) {
    const m = /^\s*([0-9]{1,2})-\s+(.*?)\s+(ON|OFF)\s*$/.exec(line);
    if (m) out.push({ outlet: Number(m[1]), name: m[2]!, state: m[3] === 'ON' ? 'on' : 'off' });
  }
  return out;
}
