// APC Smart asynchronous alert characters (reference §4.4). The UPS sends them
// unprompted, at any moment, including in the middle of the answer to a
// command, so the framer pulls them out of the byte stream before lines are
// assembled (as NUT's alert-aware reads do).

export type ApcAlertKind =
  | 'on-battery' // !  line fail; repeated every 30 s until low battery
  | 'on-line' // $  return from line fail
  | 'low-battery' // %
  | 'battery-ok' // +  return from low battery
  | 'abnormal' // ?  abnormal condition (overload or low-battery shutdown, or within 10 min of turn-on)
  | 'abnormal-cleared' // =
  | 'turning-off' // *  about to turn off the load (older models; also their answer to shutdown commands)
  | 'replace-battery' // #
  | 'check-alarm-register' // &  Measure-UPS
  | 'eeprom-changed'; // |

export interface ApcAlert {
  char: string;
  kind: ApcAlertKind;
}

export const APC_ALERT_CHARS: Readonly<Record<string, ApcAlertKind>> = {
  '!': 'on-battery',
  $: 'on-line',
  '%': 'low-battery',
  '+': 'battery-ok',
  '?': 'abnormal',
  '=': 'abnormal-cleared',
  '*': 'turning-off',
  '#': 'replace-battery',
  '&': 'check-alarm-register',
  '|': 'eeprom-changed',
};

export function alertForByte(byte: number): ApcAlert | undefined {
  const char = String.fromCharCode(byte);
  const kind = APC_ALERT_CHARS[char];
  return kind === undefined ? undefined : { char, kind };
}
