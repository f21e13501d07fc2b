// Builds a real TelemetryPublisher (real MQTT link, real disk queue) around a
// scripted host: a status the test changes, a command spy, a captured log.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/config/load';
import type { Config } from '../../../src/config/types';
import type { CommandReply, DaemonEvent, DaemonStatus } from '../../../src/daemon/contract';
import { createLogger } from '../../../src/shell/log';
import { createTelemetry, type TelemetryHost } from '../../../src/telemetry/context';
import type { TelemetryPublisher } from '../../../src/telemetry/publisher';
import { variant } from '../../config/fixtures';
import { statusFixture } from '../fixtures/status';

export interface Harness {
  pub: TelemetryPublisher;
  config: Config;
  stateDir: string;
  status: DaemonStatus;
  commands: string[];
  logLines: Array<Record<string, unknown>>;
  event(type: 'transition', to?: 'active' | 'standby'): DaemonEvent;
}

export function configWith(telemetry: Record<string, unknown>, stateDir = mkdtempSync(join(tmpdir(), 'edge-ha-tel-'))): Config {
  const text = variant((d) => {
    d.cluster.id = 'plant-1';
    d.node.id = 'node-a';
    d.peer.id = 'node-b';
    d.stateDir = stateDir;
    d.telemetry = { enabled: true, reconnect: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.2 }, ...telemetry };
  });
  const r = parseConfigText(text, stateDir, 'edge-ha.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

let eventCounter = 0;

export async function harness(config: Config): Promise<Harness> {
  const logLines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: 'debug', format: 'json', stream: { fd: null, write: (s: string) => logLines.push(JSON.parse(s) as Record<string, unknown>) } });
  const status = statusFixture();
  const commands: string[] = [];
  const host: TelemetryHost = {
    status: () => status,
    command: async (kind): Promise<CommandReply> => {
      commands.push(kind);
      return { ok: true, message: `${kind} accepted` };
    },
    log,
    wallMs: () => Date.now(),
    monoMs: () => performance.now(),
  };
  const r = await createTelemetry(config, host, { version: '0.0.0-test', random: () => 0.5 });
  if (!r.ok) throw new Error(r.error);
  return {
    pub: r.value,
    config,
    stateDir: config.stateDir,
    status,
    commands,
    logLines,
    event(type, to = 'active') {
      eventCounter++;
      const from = to === 'active' ? 'standby' : 'active';
      return { type, node: 'node-a', tsMs: Date.now(), transition: { from, to, epoch: eventCounter, reason: `test transition ${eventCounter}`, atMs: eventCounter } } as DaemonEvent;
    },
  };
}

export function writeSecret(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}
