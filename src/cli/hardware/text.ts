// Small text helpers shared by the probe reports: aligned "label  value"
// lines and durations a person reads at a glance.

/** Width of the label column; long enough for "Temperature". */
export const LABEL_WIDTH = 13;

/** `Label        value`; continuation lines of a multi-line value are indented to the value column. */
export function labelled(label: string, value: string, width = LABEL_WIDTH): string {
  const pad = ' '.repeat(Math.max(width, label.length + 1));
  const lines = value.split('\n');
  return lines.map((l, i) => (i === 0 ? `${label}${pad.slice(label.length)}${l}` : `${pad}${l}`)).join('\n');
}

/** 3725 s -> `1 h 02 min`, 750 -> `12 min 30 s`, 45 -> `45 s`. */
export function formatSeconds(totalSec: number): string {
  if (!Number.isFinite(totalSec) || totalSec < 0) return `${totalSec} s`;
  const s = Math.round(totalSec);
  if (s >= 3600) {
    // Past an hour, seconds are noise: round to the nearest minute.
    const minutes = Math.round(s / 60);
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  }
  const m = Math.floor(s / 60);
  const sec = s % 60;
  if (m > 0) return sec === 0 ? `${m} min` : `${m} min ${sec} s`;
  return `${sec} s`;
}

/** A number as the device gave it, without float noise (13.000000001 -> 13). */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}
