// Turns what MQTT.js and Node's net/tls report into one line an operator can
// act on: which side is wrong (network, credentials, certificate, protocol).

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function describeMqttError(err: unknown, brokerUrl: string): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.code === 'number' ? String(e.code) : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'ECONNREFUSED') return `broker ${brokerUrl} refused the TCP connection (is the broker running on that port?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `broker host of ${brokerUrl} not found (${code})`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `broker ${brokerUrl} unreachable (${code})`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `connection to ${brokerUrl} reset by the broker or the network (${code})`;
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(message)) return `TLS with ${brokerUrl} failed, the certificate was rejected: ${message}`;
  if (/bad user ?name or password|not authori[sz]ed/i.test(message)) return `broker ${brokerUrl} refused the credentials: ${message}`;
  if (/protocol version/i.test(message)) return `broker ${brokerUrl} does not speak this MQTT version: ${message} (set telemetry.broker.protocolVersion)`;
  if (/identifier rejected|client ?identifier/i.test(message)) return `broker ${brokerUrl} rejected the client id: ${message}`;
  return `broker ${brokerUrl}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
}
