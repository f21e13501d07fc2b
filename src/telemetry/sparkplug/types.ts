// Sparkplug B payload vocabulary, from the official schema
// (eclipse-tahu `sparkplug_b/sparkplug_b.proto`, proto2, package org.eclipse.tahu.protobuf).
// Only the scalar metric types are modelled: edge-ha publishes no DataSet,
// Template, Bytes or File metrics, so the encoder never needs them.

/** Payload.Metric `datatype` values (the "Indexes of Data Types" table in the schema). */
export const DataType = {
  Unknown: 0,
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  PropertySet: 20,
  PropertySetList: 21,
} as const;
export type DataTypeName = keyof typeof DataType;
export type DataTypeCode = (typeof DataType)[DataTypeName];

/** The scalar types this codec writes and reads. */
export type ScalarDataType =
  | typeof DataType.Int8
  | typeof DataType.Int16
  | typeof DataType.Int32
  | typeof DataType.Int64
  | typeof DataType.UInt8
  | typeof DataType.UInt16
  | typeof DataType.UInt32
  | typeof DataType.UInt64
  | typeof DataType.Float
  | typeof DataType.Double
  | typeof DataType.Boolean
  | typeof DataType.String
  | typeof DataType.DateTime
  | typeof DataType.Text
  | typeof DataType.UUID;

/** 64-bit integers arrive as a number when they fit in 2^53, else as a bigint. */
export type MetricValue = number | bigint | boolean | string | null;

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  /** Milliseconds since the Unix epoch (UTC). */
  timestamp?: number;
  datatype: ScalarDataType;
  isHistorical?: boolean;
  isTransient?: boolean;
  /** null means "explicitly no value" (is_null = true, no value field). */
  value: MetricValue;
}

export interface SparkplugPayload {
  /** Milliseconds since the Unix epoch (UTC), when the message was built. */
  timestamp?: number;
  metrics: SparkplugMetric[];
  /** 0..255; absent only in NDEATH. */
  seq?: number;
  uuid?: string;
}

/** Protobuf field numbers of Payload and Payload.Metric, as in the schema. */
export const PAYLOAD_FIELD = { timestamp: 1, metrics: 2, seq: 3, uuid: 4, body: 5 } as const;
export const METRIC_FIELD = {
  name: 1,
  alias: 2,
  timestamp: 3,
  datatype: 4,
  isHistorical: 5,
  isTransient: 6,
  isNull: 7,
  metadata: 8,
  properties: 9,
  intValue: 10,
  longValue: 11,
  floatValue: 12,
  doubleValue: 13,
  booleanValue: 14,
  stringValue: 15,
  bytesValue: 16,
} as const;

/** Protobuf wire types. */
export const WireType = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;
