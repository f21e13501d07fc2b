// The assertions every fuzz property ends with: the parser answered with its
// typed ok/error shape, and an error says something. Throwing (rather than
// returning false) keeps jest's message, which names the field that is wrong.

type AnyResult = { ok: true; value?: unknown } | { ok: false; error: unknown };

/** Non-empty text, or an object whose `message` is non-empty text. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  throw new Error(`error is neither text nor { message }: ${JSON.stringify(error)}`);
}

/** `r` is `{ ok: true, value }` or `{ ok: false, error }` with a non-empty message; returns it narrowed. */
export function expectTypedResult<R extends AnyResult>(r: R, allowedErrorKinds?: readonly string[]): R {
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') {
    throw new Error(`not an ok/error result: ${JSON.stringify(r)}`);
  }
  if (r.ok) {
    if (!('value' in r)) throw new Error('ok result without a value field');
    return r;
  }
  const message = errorMessage(r.error);
  if (message.trim() === '') throw new Error(`error with an empty message: ${JSON.stringify(r.error)}`);
  if (allowedErrorKinds) {
    const kind = (r.error as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !allowedErrorKinds.includes(kind)) {
      throw new Error(`error kind ${JSON.stringify(kind)} is not one of ${allowedErrorKinds.join(', ')}`);
    }
  }
  return r;
}

/** Every entry of an error list is non-empty text, and the list is at most `max` long. */
export function expectBoundedErrors(errors: readonly unknown[], max: number): void {
  if (errors.length > max) throw new Error(`${errors.length} errors, more than the bound ${max}`);
  for (const e of errors) {
    if (typeof e !== 'string' || e.trim() === '') throw new Error(`error entry is not non-empty text: ${JSON.stringify(e)}`);
  }
}

export const SESSION_ERROR_KINDS = [
  'timeout',
  'unsupported',
  'garbage',
  'refused',
  'invalid-command',
  'busy',
  'write-failed',
  'closed',
  'not-smart',
  'not-ready',
] as const;

/** A cheap assertion for hot loops (jest's expect costs microseconds per call); the message says what failed. */
export function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}
