// Serves a simulator (MegatecSim, ApcSmartSim, anything with receive/onOutput)
// on a serial device path, through the `serialport` package: bytes read from
// the port go to the simulator, the simulator's output is written back.

import { SerialPort } from 'serialport';
import type { SimDevice } from '../ups/sim/simTransport';

export interface SerialHost {
  /** Write raw bytes outside the simulator (a garbage burst on the line). */
  inject(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export function hostOnSerial(device: SimDevice, path: string, baudRate = 2400): Promise<SerialHost> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const write = (bytes: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (!port.isOpen) return reject(new Error(`${path} is not open`));
      port.write(Buffer.from(bytes), (e) => (e ? reject(e) : resolve()));
    });
  return new Promise((resolve, reject) => {
    port.open((e) => {
      if (e) return reject(new Error(`cannot open ${path}: ${e.message}`));
      port.on('data', (chunk: Buffer) => device.receive(new Uint8Array(chunk)));
      port.on('error', () => undefined); // a closed peer surfaces as write errors; nothing to do here
      const stop = device.onOutput((bytes) => void write(bytes).catch(() => undefined));
      resolve({
        inject: write,
        close: () =>
          new Promise<void>((done) => {
            stop();
            if (!port.isOpen) return done();
            port.close(() => done());
          }),
      });
    });
  });
}
