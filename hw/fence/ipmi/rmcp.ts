// RMCP, the 4-byte header in front of every IPMI-over-LAN datagram (IPMI v2.0
// §13.1.3): version 0x06, reserved, sequence 0xFF (IPMI asks for no RMCP
// acknowledgement), class 0x07 (IPMI). Anything else is not an IPMI answer.

import { fail, hex8, ok, shortOf, type Decoded } from './decoded';

export const RMCP_HEADER_BYTES = 4;
export const RMCP_VERSION_1 = 0x06;
export const RMCP_NO_ACK_SEQ = 0xff;
export const RMCP_CLASS_IPMI = 0x07;
/** Bounds every datagram we read; IPMI LAN packets are far smaller. */
export const MAX_DATAGRAM_BYTES = 1024;

export const RMCP_IPMI_HEADER: readonly number[] = [RMCP_VERSION_1, 0x00, RMCP_NO_ACK_SEQ, RMCP_CLASS_IPMI];

/** The bytes after a valid RMCP header of class IPMI. */
export function decodeRmcp(datagram: Uint8Array): Decoded<Uint8Array> {
  const short = shortOf(datagram, RMCP_HEADER_BYTES + 1, 'RMCP datagram');
  if (short) return short;
  if (datagram.length > MAX_DATAGRAM_BYTES) return fail('bad-length', `datagram is ${datagram.length} bytes; an IPMI reply is at most ${MAX_DATAGRAM_BYTES}`);
  if (datagram[0] !== RMCP_VERSION_1) return fail('bad-rmcp', `RMCP version ${hex8(datagram[0])}; expected 0x06`);
  if (datagram[2] !== RMCP_NO_ACK_SEQ) return fail('bad-rmcp', `RMCP sequence ${hex8(datagram[2])}; IPMI uses 0xff`);
  // Bit 7 marks an RMCP ACK, which an IPMI reply never is.
  if (datagram[3] !== RMCP_CLASS_IPMI) return fail('bad-rmcp', `RMCP class ${hex8(datagram[3])}; expected 0x07 (IPMI)`);
  return ok(datagram.subarray(RMCP_HEADER_BYTES));
}
