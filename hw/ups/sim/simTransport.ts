// Plugs a simulated UPS into the host side: the returned ByteTransport is what
// a session talks to; what the session writes goes to the simulator's input,
// and what the simulator sends comes back through onData. Also keeps a log of
// everything written, for assertions on exact bytes.

import type { ByteTransport, DataListener, Unsubscribe } from '../transport';

export interface SimDevice {
  /** Bytes from the host. */
  receive(bytes: Uint8Array): void;
  /** Bytes the device sends. */
  onOutput(listener: DataListener): Unsubscribe;
}

export interface SimLink extends ByteTransport {
  /** Every chunk the host wrote, in order. */
  readonly written: readonly Uint8Array[];
  readonly closed: boolean;
}

export function simTransport(device: SimDevice): SimLink {
  const listeners = new Set<DataListener>();
  const written: Uint8Array[] = [];
  let closed = false;
  const stopOutput = device.onOutput((bytes) => {
    if (closed) return;
    for (const l of [...listeners]) l(bytes);
  });
  return {
    written,
    get closed() {
      return closed;
    },
    write(bytes) {
      if (closed) throw new Error('sim link is closed');
      written.push(Uint8Array.from(bytes));
      device.receive(Uint8Array.from(bytes));
    },
    onData(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      stopOutput();
    },
  };
}
