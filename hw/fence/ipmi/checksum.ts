// The IPMB checksum of IPMI messages (IPMI v2.0 §13.8): the two's complement
// of the byte sum, so a range followed by its checksum sums to 0 mod 256.

/** The checksum byte for `bytes[start..end)`. */
export function ipmbChecksum(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** True when `bytes[start..end)` (its last byte being the checksum) sums to 0 mod 256. */
export function checksumHolds(bytes: ArrayLike<number>, start: number, end: number): boolean {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]) & 0xff;
  return sum === 0;
}
