import * as path from 'node:path';
import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { DataType, decodePayload, encodePayload, type ScalarDataType, type SparkplugMetric, type SparkplugPayload } from '../../src/telemetry/sparkplug';

// The independent decoder: protobufjs reading the schema as .proto text.
const root = protobuf.loadSync(path.join(__dirname, 'fixtures', 'sparkplug_b.proto'));
const PayloadType = root.lookupType('org.eclipse.tahu.protobuf.Payload');
type Plain = Record<string, unknown>;
function independentDecode(bytes: Uint8Array): Plain {
  return PayloadType.toObject(PayloadType.decode(bytes), { longs: String, defaults: false }) as Plain;
}
function mustEncode(p: SparkplugPayload): Uint8Array {
  const r = encodePayload(p);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Sparkplug B payload encoder', () => {
  test('exact bytes of a one-metric payload', () => {
    const bytes = mustEncode({ timestamp: 1, seq: 0, metrics: [{ name: 'a', datatype: DataType.Boolean, value: true }] });
    // 08 01: timestamp=1 | 12 07 <metric>: metrics | 0a 01 61: name "a" | 20 0b: datatype 11 | 70 01: boolean_value | 18 00: seq=0
    expect(hex(bytes)).toBe('080112070a0161200b70011800');
  });

  test('exact bytes of a double, a negative Int32 and a null', () => {
    const bytes = mustEncode({
      metrics: [
        { name: 'd', datatype: DataType.Double, value: 1.5 },
        { name: 'i', datatype: DataType.Int32, value: -1 },
        { name: 'n', datatype: DataType.String, value: null },
      ],
    });
    expect(hex(bytes)).toBe(
      '120e0a0164200a69000000000000f83f' + // name d, datatype 10, double 1.5 LE
        '120b0a01692003' + '50ffffffff0f' + // name i, datatype 3, int_value 0xffffffff (two's complement)
        '12070a016e200c3801', // name n, datatype 12, is_null true
    );
  });

  test('every scalar type decodes the same in protobufjs', () => {
    const p: SparkplugPayload = {
      timestamp: 1_764_000_000_000,
      seq: 7,
      metrics: [
        { name: 'Node/Role', timestamp: 1_764_000_000_001, datatype: DataType.String, value: 'active' },
        { name: 'Node/Epoch', datatype: DataType.Int64, value: -5 },
        { name: 'Big', datatype: DataType.UInt64, value: 2n ** 64n - 1n },
        { name: 'Temp', datatype: DataType.Float, value: 21.5 },
        { name: 'Rtt', datatype: DataType.Double, value: 0.125, isHistorical: true },
        { name: 'Up', datatype: DataType.Boolean, value: false, isTransient: true },
        { name: 'Small', datatype: DataType.Int8, value: -128 },
        { name: 'Count', datatype: DataType.UInt32, value: 4_294_967_295 },
        { name: 'When', datatype: DataType.DateTime, value: 1_764_000_000_000 },
      ],
    };
    const d = independentDecode(mustEncode(p));
    expect(d.timestamp).toBe('1764000000000');
    expect(d.seq).toBe('7');
    const ms = d.metrics as Plain[];
    expect(ms.map((m) => m.name)).toEqual(p.metrics.map((m) => m.name));
    expect(ms[0]).toMatchObject({ timestamp: '1764000000001', datatype: 12, stringValue: 'active' });
    expect(ms[1]).toMatchObject({ datatype: 4, longValue: '18446744073709551611' }); // -5 as uint64
    expect(ms[2]).toMatchObject({ longValue: '18446744073709551615' });
    expect(ms[3]).toMatchObject({ floatValue: 21.5 });
    expect(ms[4]).toMatchObject({ doubleValue: 0.125, isHistorical: true });
    expect(ms[5]).toMatchObject({ booleanValue: false, isTransient: true });
    expect(ms[6]).toMatchObject({ intValue: 4_294_967_168 }); // -128 as uint32
    expect(ms[7]).toMatchObject({ intValue: 4_294_967_295 });
    expect(ms[8]).toMatchObject({ datatype: 13, longValue: '1764000000000' });
  });

  test('rejects values that do not fit their datatype, naming the metric', () => {
    expect(encodePayload({ metrics: [{ name: 'x', datatype: DataType.UInt8, value: 256 }] })).toEqual({ ok: false, error: 'metric x: 256 is outside 0..255' });
    expect(encodePayload({ metrics: [{ name: 'x', datatype: DataType.Boolean, value: 'yes' }] })).toMatchObject({ ok: false, error: expect.stringContaining('expected a boolean') });
    expect(encodePayload({ seq: 256, metrics: [] })).toMatchObject({ ok: false, error: 'seq 256 is outside 0..255' });
    expect(encodePayload({ metrics: [{ datatype: DataType.Int32, value: 1 }] })).toMatchObject({ ok: false });
  });
});

// ---------------------------------------------------------------- property tests

const INT_BOUNDS: [ScalarDataType, bigint, bigint][] = [
  [DataType.Int8, -128n, 127n],
  [DataType.Int16, -32768n, 32767n],
  [DataType.Int32, -(2n ** 31n), 2n ** 31n - 1n],
  [DataType.Int64, -(2n ** 63n), 2n ** 63n - 1n],
  [DataType.UInt8, 0n, 255n],
  [DataType.UInt16, 0n, 65535n],
  [DataType.UInt32, 0n, 2n ** 32n - 1n],
  [DataType.UInt64, 0n, 2n ** 64n - 1n],
];
const safe = (v: bigint) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
const metricArb: fc.Arbitrary<SparkplugMetric> = fc.oneof(
  fc.constantFrom(...INT_BOUNDS).chain(([dt, lo, hi]) => fc.bigInt(lo, hi).map((v) => ({ name: 'i', datatype: dt, value: safe(v) }))),
  fc.double({ noNaN: true }).map((v) => ({ name: 'd', datatype: DataType.Double, value: v })),
  fc.float({ noNaN: true }).map((v) => ({ name: 'f', datatype: DataType.Float, value: v })),
  fc.boolean().map((v) => ({ name: 'b', datatype: DataType.Boolean, value: v })),
  fc.string({ unit: 'grapheme' }).map((v) => ({ name: 's', datatype: DataType.String, value: v })),
  fc.constant({ name: 'n', datatype: DataType.Int64, value: null }),
).chain((m) =>
  fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), timestamp: fc.option(fc.nat(), { nil: undefined }) }).map((extra) => {
    const out: SparkplugMetric = { ...m, name: extra.name };
    if (extra.timestamp !== undefined) out.timestamp = extra.timestamp;
    return out;
  }),
);
const payloadArb: fc.Arbitrary<SparkplugPayload> = fc.record({
  timestamp: fc.nat(),
  seq: fc.integer({ min: 0, max: 255 }),
  metrics: fc.array(metricArb, { maxLength: 8 }),
});

describe('Sparkplug B payload properties', () => {
  test('our decoder returns what we encoded', () => {
    fc.assert(
      fc.property(payloadArb, (p) => {
        const d = decodePayload(mustEncode(p));
        expect(d).toEqual({ ok: true, value: p });
      }),
    );
  });

  test('protobufjs reads the same names, types, seq and values', () => {
    fc.assert(
      fc.property(payloadArb, (p) => {
        const d = independentDecode(mustEncode(p));
        expect(d.seq).toBe(String(p.seq));
        const ms = (d.metrics ?? []) as Plain[];
        expect(ms.length).toBe(p.metrics.length);
        p.metrics.forEach((m, i) => {
          const got = ms[i]!;
          expect(got.name).toBe(m.name);
          expect(got.datatype).toBe(m.datatype);
          if (m.value === null) expect(got.isNull).toBe(true);
          else if (typeof m.value === 'string') expect(got.stringValue).toBe(m.value);
          else if (typeof m.value === 'boolean') expect(got.booleanValue).toBe(m.value);
          else if (m.datatype === DataType.Double) expect(got.doubleValue).toBe(m.value);
          else if (m.datatype === DataType.Float) expect(got.floatValue).toBe(m.value);
          else if (m.datatype === DataType.Int64 || m.datatype === DataType.UInt64) expect(got.longValue).toBe(BigInt.asUintN(64, BigInt(m.value)).toString());
          else expect(got.intValue).toBe(Number(BigInt.asUintN(32, BigInt(m.value))));
        });
      }),
    );
  });

  test('payloads written by protobufjs decode in ours', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.string(), (flag, seq, text) => {
        const bytes = PayloadType.encode(
          PayloadType.fromObject({ seq, metrics: [{ name: 'Node Control/Rebirth', datatype: 11, booleanValue: flag }, { name: 't', datatype: 12, stringValue: text }] }),
        ).finish();
        const d = decodePayload(bytes);
        expect(d).toEqual({ ok: true, value: { seq, metrics: [{ name: 'Node Control/Rebirth', datatype: 11, value: flag }, { name: 't', datatype: 12, value: text }] } });
      }),
    );
  });

  test('the decoder never throws on arbitrary or truncated bytes', () => {
    const valid = mustEncode({ timestamp: 5, seq: 1, metrics: [{ name: 'x', datatype: DataType.String, value: 'hello' }] });
    for (let n = 0; n < valid.length; n++) expect(() => decodePayload(valid.subarray(0, n))).not.toThrow();
    // the last metric byte cut off (the seq field is the last 2 bytes)
    expect(decodePayload(valid.subarray(0, valid.length - 3))).toMatchObject({ ok: false, error: expect.stringContaining('runs past the end') });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void decodePayload(b)));
  });

  test('the decoder refuses oversized payloads and wrong wire types', () => {
    expect(decodePayload(new Uint8Array(300 * 1024))).toMatchObject({ ok: false, error: expect.stringContaining('exceeds') });
    // metric whose name (field 1) arrives as a varint
    expect(decodePayload(Uint8Array.from([0x12, 0x02, 0x08, 0x01]))).toMatchObject({ ok: false, error: expect.stringContaining('wire type 0') });
    expect(decodePayload(Uint8Array.from([0x18, 0x80, 0x02]))).toMatchObject({ ok: false, error: 'seq 256 is outside 0..255' });
  });
});

describe('Sparkplug B decoder checks the value against the datatype', () => {
  test('a Boolean metric carrying an int_value, or an unsupported datatype, is an error', () => {
    const bad = PayloadType.encode(PayloadType.fromObject({ metrics: [{ name: 'Node Control/Rebirth', datatype: 11, intValue: 1 }] })).finish();
    expect(decodePayload(bad)).toMatchObject({ ok: false, error: 'metric Node Control/Rebirth of datatype 11 carries value field 10, expected 14' });
    const ds = PayloadType.encode(PayloadType.fromObject({ metrics: [{ name: 'table', datatype: 16, datasetValue: { numOfColumns: 1 } }] })).finish();
    expect(decodePayload(ds)).toMatchObject({ ok: false, error: expect.stringContaining('datatype 16, which this decoder does not read') });
  });
});
