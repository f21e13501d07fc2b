// Turns any value a caller puts in a log field into something JSON.stringify
// renders without throwing and without producing a huge line: a logger that
// throws on a BigInt or a cyclic object would turn a log call into a crash.

export const MAX_STRING_CHARS = 4096;
export const MAX_ITEMS = 100;
export const MAX_DEPTH = 6;

function truncate(s: string): string {
  return s.length <= MAX_STRING_CHARS ? s : `${s.slice(0, MAX_STRING_CHARS)}…(+${s.length - MAX_STRING_CHARS} chars)`;
}

function errorToJson(err: Error, depth: number, ancestors: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: truncate(err.message) };
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined) out.code = code;
  if (err.cause !== undefined) out.cause = toJsonSafe(err.cause, depth + 1, ancestors);
  return out;
}

function bytesToJson(bytes: Uint8Array): string {
  return bytes.length <= 64 ? Buffer.from(bytes).toString('hex') : `[${bytes.length} bytes]`;
}

function arrayToJson(items: unknown[], depth: number, ancestors: Set<object>): unknown[] {
  const out = items.slice(0, MAX_ITEMS).map((v) => {
    const safe = toJsonSafe(v, depth + 1, ancestors);
    return safe === undefined ? null : safe;
  });
  if (items.length > MAX_ITEMS) out.push(`…(+${items.length - MAX_ITEMS} items)`);
  return out;
}

function objectToJson(obj: object, depth: number, ancestors: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  for (const key of keys.slice(0, MAX_ITEMS)) {
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[key];
    } catch (err) {
      v = `[getter threw: ${(err as Error)?.message}]`;
    }
    const safe = toJsonSafe(v, depth + 1, ancestors);
    if (safe !== undefined) out[key] = safe;
  }
  if (keys.length > MAX_ITEMS) out['…'] = `+${keys.length - MAX_ITEMS} keys`;
  return out;
}

function mapToJson(map: Map<unknown, unknown>, depth: number, ancestors: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [k, v] of map) {
    if (count++ === MAX_ITEMS) break;
    const safe = toJsonSafe(v, depth + 1, ancestors);
    if (safe !== undefined) out[String(k)] = safe;
  }
  if (map.size > MAX_ITEMS) out['…'] = `+${map.size - MAX_ITEMS} entries`;
  return out;
}

function objectLikeToJson(value: object, depth: number, ancestors: Set<object>): unknown {
  if (value instanceof Error) return errorToJson(value, depth, ancestors);
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : 'Invalid Date';
  if (value instanceof Uint8Array) return bytesToJson(value);
  if (Array.isArray(value)) return arrayToJson(value, depth, ancestors);
  if (value instanceof Map) return mapToJson(value, depth, ancestors);
  if (value instanceof Set) return arrayToJson([...value], depth, ancestors);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    try {
      return toJsonSafe(toJSON.call(value), depth + 1, ancestors);
    } catch (err) {
      return `[toJSON threw: ${(err as Error)?.message}]`;
    }
  }
  return objectToJson(value, depth, ancestors);
}

/** A JSON-safe copy of `value`; `undefined` means "leave the field out". Never throws. */
export function toJsonSafe(value: unknown, depth = 0, ancestors: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case 'string':
      return truncate(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? '[Array]' : '[Object]';
  ancestors.add(obj);
  try {
    return objectLikeToJson(obj, depth, ancestors);
  } finally {
    ancestors.delete(obj);
  }
}
