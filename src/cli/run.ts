// `edge-ha run --config FILE`: validate, start the daemon, wait for it to stop.

import { loadConfig } from '../config/load';
import { Daemon } from '../daemon/daemon';
import { createLogger } from '../shell/log';

export interface RunOptions {
  config: string;
  logFormat?: 'auto' | 'json' | 'pretty';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export async function runDaemon(opts: RunOptions): Promise<number> {
  const loaded = loadConfig(opts.config);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`error: ${e}\n`);
    process.stderr.write(`edge-ha: ${opts.config} is not valid; not starting (${loaded.errors.length} error${loaded.errors.length > 1 ? 's' : ''})\n`);
    return 2;
  }
  const cfg = loaded.config;
  const log = createLogger({ level: opts.logLevel ?? cfg.logging.level, format: opts.logFormat ?? cfg.logging.format, node: cfg.node.id });
  for (const w of loaded.warnings) log.warn('config-warning', { msg: w });
  const daemon = new Daemon(cfg, log);
  try {
    await daemon.start();
  } catch (err) {
    log.error('start-failed', { msg: (err as Error).message });
    process.stderr.write(`edge-ha: cannot start: ${(err as Error).message}\n`);
    return 2;
  }
  const onSignal = (sig: NodeJS.Signals) => daemon.shutdown(sig);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return daemon.done;
}
