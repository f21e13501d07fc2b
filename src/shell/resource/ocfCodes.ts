// OCF resource-agent exit codes (OCF resource-agent API 1.1; Pacemaker
// "OCF Return Codes"). Used to name a code in a reason a person reads.

export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(OCF).map(([name, code]) => [code, `OCF_${name}`] as const),
);

/** `OCF_ERR_GENERIC` for 1, ...; `unknown OCF code 42` for a code the spec does not define. */
export function ocfCodeName(code: number): string {
  return NAMES.get(code) ?? `unknown OCF code ${code}`;
}
