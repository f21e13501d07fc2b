// Active alarms of one node. Raising an alarm that is already active with the
// same message is silent, so rules can re-assert their alarms on every
// evaluation without flooding the log or the broker.

import type { Alarm, AlarmSeverity, CoreAction } from './types';

export class AlarmBook {
  private readonly active = new Map<string, Alarm>();

  constructor(private readonly emit: (a: CoreAction) => void) {}

  raise(id: string, severity: AlarmSeverity, message: string): void {
    const cur = this.active.get(id);
    if (cur && cur.severity === severity && cur.message === message) return;
    const alarm = { id, severity, message };
    this.active.set(id, alarm);
    this.emit({ type: 'alarm', alarm, raised: true });
  }

  clear(id: string): void {
    const cur = this.active.get(id);
    if (!cur) return;
    this.active.delete(id);
    this.emit({ type: 'alarm', alarm: cur, raised: false });
  }

  /** Clear every alarm whose id starts with prefix. */
  clearPrefix(prefix: string): void {
    for (const id of [...this.active.keys()]) if (id.startsWith(prefix)) this.clear(id);
  }

  has(id: string): boolean {
    return this.active.has(id);
  }

  list(): Alarm[] {
    return [...this.active.values()];
  }
}
