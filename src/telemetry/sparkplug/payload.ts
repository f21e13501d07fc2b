// Sparkplug B payload encoder and decoder for scalar metrics.
// Signed integers follow Sparkplug 3.0: Int8/16/32 travel in the uint32
// `int_value` as two's complement, Int64 in the uint64 `long_value`.

import { ProtoReader, type Field } from './protoReader';
import { ProtoWriter } from './protoWriter';
import {
  DataType,
  METRIC_FIELD as MF,
  PAYLOAD_FIELD as PF,
  WireType,
  type MetricValue,
  type ScalarDataType,
  type SparkplugMetric,
  type SparkplugPayload,
} from './types';

export type CodecResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Decoder bounds: an NCMD is a handful of metrics, never megabytes. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_METRICS = 4096;

const INT_RANGES: Partial<Record<ScalarDataType, [bigint, bigint]>> = {
  [DataType.Int8]: [-128n, 127n],
  [DataType.Int16]: [-32768n, 32767n],
  [DataType.Int32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [DataType.Int64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [DataType.UInt8]: [0n, 255n],
  [DataType.UInt16]: [0n, 65535n],
  [DataType.UInt32]: [0n, 2n ** 32n - 1n],
  [DataType.UInt64]: [0n, 2n ** 64n - 1n],
  [DataType.DateTime]: [0n, 2n ** 64n - 1n],
};
const INT32_TYPES: ReadonlySet<number> = new Set([DataType.Int8, DataType.Int16, DataType.Int32, DataType.UInt8, DataType.UInt16, DataType.UInt32]);
const STRING_TYPES: ReadonlySet<number> = new Set([DataType.String, DataType.Text, DataType.UUID]);
const SIGNED_BITS: Partial<Record<number, number>> = { [DataType.Int8]: 8, [DataType.Int16]: 16, [DataType.Int32]: 32, [DataType.Int64]: 64 };

/** Why `value` cannot be sent as `datatype`, or null if it can. */
export function checkMetricValue(datatype: ScalarDataType, value: MetricValue): string | null {
  if (value === null) return null;
  const range = INT_RANGES[datatype];
  if (range) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return `${value} is not a safe integer`;
    if (typeof value !== 'number' && typeof value !== 'bigint') return `expected an integer, got ${typeof value}`;
    const v = BigInt(value);
    return v < range[0] || v > range[1] ? `${v} is outside ${range[0]}..${range[1]}` : null;
  }
  if (datatype === DataType.Float || datatype === DataType.Double) return typeof value === 'number' ? null : `expected a number, got ${typeof value}`;
  if (datatype === DataType.Boolean) return typeof value === 'boolean' ? null : `expected a boolean, got ${typeof value}`;
  if (STRING_TYPES.has(datatype)) return typeof value === 'string' ? null : `expected a string, got ${typeof value}`;
  return `datatype ${datatype} is not supported`;
}

function writeValue(w: ProtoWriter, m: SparkplugMetric): void {
  const v = m.value;
  if (v === null) return;
  if (INT32_TYPES.has(m.datatype)) w.uint(MF.intValue, BigInt.asUintN(32, BigInt(v as number | bigint)));
  else if (INT_RANGES[m.datatype]) w.uint(MF.longValue, BigInt.asUintN(64, BigInt(v as number | bigint)));
  else if (m.datatype === DataType.Float) w.float(MF.floatValue, v as number);
  else if (m.datatype === DataType.Double) w.double(MF.doubleValue, v as number);
  else if (m.datatype === DataType.Boolean) w.bool(MF.booleanValue, v as boolean);
  else w.string(MF.stringValue, v as string);
}

function encodeMetric(m: SparkplugMetric): Uint8Array {
  // Fields in field-number order, as protoc writes them; proto2 optionals only when set.
  const w = new ProtoWriter();
  if (m.name !== undefined) w.string(MF.name, m.name);
  if (m.alias !== undefined) w.uint(MF.alias, m.alias);
  if (m.timestamp !== undefined) w.uint(MF.timestamp, m.timestamp);
  w.uint(MF.datatype, m.datatype);
  if (m.isHistorical !== undefined) w.bool(MF.isHistorical, m.isHistorical);
  if (m.isTransient !== undefined) w.bool(MF.isTransient, m.isTransient);
  if (m.value === null) w.bool(MF.isNull, true);
  writeValue(w, m);
  return w.finish();
}

export function encodePayload(p: SparkplugPayload): CodecResult<Uint8Array> {
  if (p.seq !== undefined && !(Number.isInteger(p.seq) && p.seq >= 0 && p.seq <= 255)) return { ok: false, error: `seq ${p.seq} is outside 0..255` };
  for (const m of p.metrics) {
    if (m.name === undefined && m.alias === undefined) return { ok: false, error: 'a metric needs a name or an alias' };
    const problem = checkMetricValue(m.datatype, m.value);
    if (problem) return { ok: false, error: `metric ${m.name ?? `alias ${m.alias}`}: ${problem}` };
  }
  const w = new ProtoWriter(256);
  if (p.timestamp !== undefined) w.uint(PF.timestamp, p.timestamp);
  for (const m of p.metrics) w.bytes(PF.metrics, encodeMetric(m));
  if (p.seq !== undefined) w.uint(PF.seq, p.seq);
  if (p.uuid !== undefined) w.string(PF.uuid, p.uuid);
  return { ok: true, value: w.finish() };
}

// ---------------------------------------------------------------- decoding

function toNumberIfSafe(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function intValue(datatype: number, raw: bigint): number | bigint {
  const bits = SIGNED_BITS[datatype];
  return toNumberIfSafe(bits ? BigInt.asIntN(bits, raw) : raw);
}

function fixedValue(f: Field): number {
  const b = f.bytes!;
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  return f.wireType === WireType.fixed32 ? view.getFloat32(0, true) : view.getFloat64(0, true);
}

/** Field numbers whose wire type we rely on, so a mismatched field is an error, not garbage. */
const METRIC_WIRE: Record<number, number> = {
  [MF.name]: WireType.len, [MF.alias]: WireType.varint, [MF.timestamp]: WireType.varint, [MF.datatype]: WireType.varint,
  [MF.isHistorical]: WireType.varint, [MF.isTransient]: WireType.varint, [MF.isNull]: WireType.varint,
  [MF.intValue]: WireType.varint, [MF.longValue]: WireType.varint, [MF.floatValue]: WireType.fixed32,
  [MF.doubleValue]: WireType.fixed64, [MF.booleanValue]: WireType.varint, [MF.stringValue]: WireType.len,
};

function decodeMetric(bytes: Uint8Array): CodecResult<SparkplugMetric> {
  const r = new ProtoReader(bytes);
  const m: Partial<SparkplugMetric> & { isNull?: boolean } = {};
  let raw: Field | undefined;
  for (let f = r.next(); f !== null; f = r.next()) {
    const expected = METRIC_WIRE[f.field];
    if (expected === undefined) continue; // metadata, properties, datasets, templates: not ours to read
    if (expected !== f.wireType) return { ok: false, error: `metric field ${f.field} has wire type ${f.wireType}, expected ${expected}` };
    if (f.field === MF.name) m.name = Buffer.from(f.bytes!).toString('utf8');
    else if (f.field === MF.alias) m.alias = Number(toNumberIfSafe(f.varint!));
    else if (f.field === MF.timestamp) m.timestamp = Number(f.varint!);
    else if (f.field === MF.datatype) m.datatype = Number(f.varint!) as ScalarDataType;
    else if (f.field === MF.isHistorical) m.isHistorical = f.varint! !== 0n;
    else if (f.field === MF.isTransient) m.isTransient = f.varint! !== 0n;
    else if (f.field === MF.isNull) m.isNull = f.varint! !== 0n;
    else raw = f; // the oneof: the last one wins, as in protobuf
  }
  if (r.error) return { ok: false, error: `metric: ${r.error}` };
  if (m.datatype === undefined) return { ok: false, error: `metric ${m.name ?? ''} has no datatype` };
  const field = VALUE_FIELD[m.datatype];
  if (field === undefined) return { ok: false, error: `metric ${m.name ?? ''} has datatype ${m.datatype}, which this decoder does not read` };
  if (raw && raw.field !== field) return { ok: false, error: `metric ${m.name ?? ''} of datatype ${m.datatype} carries value field ${raw.field}, expected ${field}` };
  const { isNull, ...rest } = m;
  return { ok: true, value: { ...rest, datatype: m.datatype, value: isNull || !raw ? null : rawValue(m.datatype, raw) } };
}

/** The value field each scalar datatype must use. */
const VALUE_FIELD: Partial<Record<number, number>> = {
  [DataType.Int8]: MF.intValue, [DataType.Int16]: MF.intValue, [DataType.Int32]: MF.intValue,
  [DataType.UInt8]: MF.intValue, [DataType.UInt16]: MF.intValue, [DataType.UInt32]: MF.intValue,
  [DataType.Int64]: MF.longValue, [DataType.UInt64]: MF.longValue, [DataType.DateTime]: MF.longValue,
  [DataType.Float]: MF.floatValue, [DataType.Double]: MF.doubleValue, [DataType.Boolean]: MF.booleanValue,
  [DataType.String]: MF.stringValue, [DataType.Text]: MF.stringValue, [DataType.UUID]: MF.stringValue,
};

function rawValue(datatype: number, f: Field): MetricValue {
  switch (f.field) {
    case MF.intValue:
    case MF.longValue:
      return intValue(datatype, f.varint!);
    case MF.floatValue:
    case MF.doubleValue:
      return fixedValue(f);
    case MF.booleanValue:
      return f.varint! !== 0n;
    default:
      return Buffer.from(f.bytes!).toString('utf8');
  }
}

export function decodePayload(bytes: Uint8Array): CodecResult<SparkplugPayload> {
  if (bytes.length > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${bytes.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  const r = new ProtoReader(bytes);
  const p: SparkplugPayload = { metrics: [] };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === PF.timestamp && f.wireType === WireType.varint) p.timestamp = Number(f.varint!);
    else if (f.field === PF.seq && f.wireType === WireType.varint) {
      if (f.varint! > 255n) return { ok: false, error: `seq ${f.varint} is outside 0..255` };
      p.seq = Number(f.varint!);
    } else if (f.field === PF.uuid && f.wireType === WireType.len) p.uuid = Buffer.from(f.bytes!).toString('utf8');
    else if (f.field === PF.metrics && f.wireType === WireType.len) {
      if (p.metrics.length >= MAX_METRICS) return { ok: false, error: `more than ${MAX_METRICS} metrics` };
      const m = decodeMetric(f.bytes!);
      if (!m.ok) return m;
      p.metrics.push(m.value);
    } else if (f.field < PF.body) {
      // timestamp, metrics, seq or uuid with the wrong wire type; body and extensions are skipped
      return { ok: false, error: `payload field ${f.field} has wire type ${f.wireType}` };
    }
  }
  if (r.error) return { ok: false, error: `payload: ${r.error}` };
  return { ok: true, value: p };
}
