import fc from 'fast-check';
import { checkThresholds, fsHealth, levelFor, memoryHealth, temperatureHealth } from '../../../hw/health/thresholds';
import { HealthChangeFilter, toCoreHealthEvent } from '../../../hw/health/types';

const ORDER = { ok: 0, degraded: 1, critical: 2 } as const;

describe('thresholds', () => {
  it('levelFor is monotonic in the value and honours both bounds (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 200, noNaN: true }), fc.double({ min: -100, max: 200, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (a, b, w, span) => {
        const t = { warn: w, crit: w + span };
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(ORDER[levelFor(lo, t)]).toBeLessThanOrEqual(ORDER[levelFor(hi, t)]);
        expect(levelFor(t.crit, t)).toBe('critical');
        if (t.crit > t.warn) expect(levelFor(t.warn, t)).toBe('degraded');
      }),
    );
  });

  it('names the value and the bound it crossed; unknown is degraded, not ok', () => {
    const t = { warn: 80, crit: 95 };
    expect(temperatureHealth(97.26, t)).toEqual({ source: 'temperature', level: 'critical', reason: 'CPU temperature 97.3°C (critical at 95°C)' });
    expect(fsHealth('/var', 88, { warn: 85, crit: 95 })).toEqual({ source: 'fs:/var', level: 'degraded', reason: 'file system /var use 88% (warning at 85%)' });
    expect(memoryHealth(null, t, 'mem() failed')).toEqual({ source: 'memory', level: 'degraded', reason: 'memory use unknown: mem() failed' });
    expect(checkThresholds('fs', { warn: 90, crit: 80 })).toContain('above crit');
  });

  it('HealthChangeFilter passes only changes per source; core events carry the time', () => {
    const f = new HealthChangeFilter();
    const e = { source: 'memory', level: 'ok' as const, reason: 'memory use 10%' };
    expect([f.changed(e), f.changed(e), f.changed({ ...e, reason: 'memory use 11%' }), f.changed({ ...e, source: 'fs:/' })]).toEqual([true, false, true, true]);
    expect(toCoreHealthEvent(e, 1234)).toEqual({ type: 'health', nowMs: 1234, source: 'memory', level: 'ok', reason: 'memory use 10%' });
  });
});
