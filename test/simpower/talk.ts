// Raw TCP conversation with a server, for protocol tests.
import * as net from 'node:net';

export interface Conversation {
  lines: string[];
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * Sends `data`, then collects reply lines until `expectLines` arrived, the
 * server closed, or `waitMs` passed. `halfClose` ends our side after sending.
 */
export function talk(
  port: number,
  data: string | Buffer,
  opts: { expectLines?: number; waitMs?: number; halfClose?: boolean } = {},
): Promise<Conversation> {
  const expectLines = opts.expectLines ?? 1;
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let text = '';
    let closed = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const lines = text.split('\n');
      lines.pop(); // the part after the last newline is not a line
      resolve({ lines, closed });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 2000);
    socket.on('connect', () => {
      socket.write(data);
      if (opts.halfClose) socket.end();
    });
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.split('\n').length - 1 >= expectLines) finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}
