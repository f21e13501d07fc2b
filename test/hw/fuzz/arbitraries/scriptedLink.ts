// A ByteTransport whose far end is a script: every write is answered with the
// next scripted list of chunks (delivered synchronously, one onData call per
// chunk, as a link that has the reply buffered would), and an exhausted
// script answers nothing, so the session under test meets its timeout.
// It also records whether a listener threw, since a throw inside onData would
// escape into the link's event loop in production rather than into a result.

import type { ByteTransport, DataListener } from '../../../../hw/ups/transport';

export interface ScriptedLink extends ByteTransport {
  /** Writes seen so far. */
  readonly writes: number;
  /** The first error a data listener threw, if any. */
  readonly listenerError: unknown;
  readonly closed: boolean;
}

export function scriptedLink(script: readonly (readonly Uint8Array[])[]): ScriptedLink {
  const listeners = new Set<DataListener>();
  let writes = 0;
  let listenerError: unknown;
  let closed = false;
  const deliver = (chunk: Uint8Array) => {
    for (const l of [...listeners]) {
      try {
        l(chunk);
      } catch (e) {
        listenerError ??= e;
      }
    }
  };
  return {
    get writes() {
      return writes;
    },
    get listenerError() {
      return listenerError;
    },
    get closed() {
      return closed;
    },
    write() {
      const reply = script[writes++] ?? [];
      if (!closed) reply.forEach(deliver);
    },
    onData(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
    },
  };
}
