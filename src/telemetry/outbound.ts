/** One MQTT publish decided by a pure encoder; the MQTT layer only sends it. */
export interface OutboundMessage {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}
