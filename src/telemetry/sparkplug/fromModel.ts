// Maps the profile-neutral telemetry model onto Sparkplug metrics.

import type { MetricType, TelemetryMetric } from '../model';
import { DataType, type ScalarDataType, type SparkplugMetric } from './types';

const DATATYPE: Record<MetricType, ScalarDataType> = {
  string: DataType.String,
  boolean: DataType.Boolean,
  int64: DataType.Int64,
  double: DataType.Double,
};

/** One Sparkplug metric per model metric, stamped with `timestampMs` (wall clock, ms since the epoch). */
export function toSparkplugMetrics(metrics: TelemetryMetric[], timestampMs: number): SparkplugMetric[] {
  return metrics.map((m) => {
    let value = m.value;
    // int64 readings can arrive fractional from a clock; a Sparkplug Int64 must be an integer.
    if (m.type === 'int64' && typeof value === 'number') value = Math.round(value);
    return { name: m.name, timestamp: timestampMs, datatype: DATATYPE[m.type], value };
  });
}
