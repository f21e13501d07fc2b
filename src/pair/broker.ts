// The embedded MQTT broker of `npm start`, so the demo pair has somewhere to
// publish with nothing installed. aedes speaks MQTT 3.1.1 only, which is what
// the pair's configs use (and Sparkplug B's base); aedes is ESM-only, hence
// the dynamic import from this CommonJS build.

import { createServer, type Server } from 'node:net';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(host: string, port: number): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  // Closing must not wait for clients: the pair is stopping, its daemons with it.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    // Telemetry messages are small: do not hold them back for Nagle + delayed ACK.
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      broker.close();
      reject(new Error(err.code === 'EADDRINUSE' ? `cannot start the embedded MQTT broker: ${host}:${port} is in use (pass --broker URL to use a running broker, or --port-base)` : `cannot start the embedded MQTT broker on ${host}:${port}: ${err.message}`));
    });
    server.listen(port, host, () => resolve());
  });
  return {
    url: `mqtt://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close();
        for (const s of sockets) s.destroy();
        broker.close(() => resolve());
      }),
  };
}
