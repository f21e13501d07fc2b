// Test configuration, hand-made heartbeats and the transcript format shared by
// the core tests. Timings are chosen so every rule shows up at a distinct,
// predictable time: detection 200 ms on both paths, fence delay 300 ms.

import type { CoreAction, CoreConfig, CoreEvent, Heartbeat } from '../../src/core/types';

export const A = 'node-a';
export const B = 'node-b';
export const CLUSTER = 'plant-7';

/** An event as a test writes it: the harness stamps `nowMs` from its clock. */
export type EventIn = CoreEvent extends infer E ? (E extends CoreEvent ? Omit<E, 'nowMs'> : never) : never;

/** Both paths go down after 200 ms of silence, with different send intervals. */
export const DETECT_MS = 200;

export function testConfig(nodeId: string, peerId: string, over: Partial<CoreConfig> = {}): CoreConfig {
  return {
    clusterId: CLUSTER,
    nodeId,
    peerId,
    priority: 100,
    paths: [
      { name: 'crossover', intervalMs: 50, missMultiplier: 4 },
      { name: 'lan', intervalMs: 100, missMultiplier: 2 },
    ],
    fenceDeviceNames: ['ipmi', 'pdu'],
    waitForAll: true,
    startupWaitMs: 3000,
    fenceDelayMs: 300,
    fenceTimeoutMs: 2000,
    fenceRetryMs: 500,
    fenceRetryMaxMs: 2000,
    monitorIntervalMs: 1000,
    restartDelayMs: 400,
    shutdownLingerMs: 1500,
    fenceDelayRandomMs: 0,
    powerCriticalShutdown: true,
    powerShutdownWaitMs: 5000,
    selfFence: false,
    ...over,
  };
}

/** A heartbeat from node-b to node-a: a healthy, stopped standby unless told otherwise. */
export function peerHb(fields: Partial<Heartbeat> = {}): Heartbeat {
  return {
    clusterId: CLUSTER,
    nodeId: B,
    incarnation: 1,
    // Addressed to node-a's first life (Solo boots node-a with incarnation 1).
    peerIncarnation: 1,
    seq: 1,
    pathId: 0,
    role: 'standby',
    epoch: 0,
    resource: 'stopped',
    health: 'ok',
    priority: 100,
    flags: 0,
    txTimeMs: 1,
    echoTxTimeMs: 0,
    echoHoldMs: 0,
    ...fields,
  };
}

/** One recorded output of a core (or one input the harness fed it), with the batch it came in. */
export interface Entry {
  atMs: number;
  node: string;
  /** Every boot/handle call is one batch; inputs share the batch of the call they start. */
  batch: number;
  action?: CoreAction;
  input?: string;
}

/** Readable text of an action; null for heartbeat sends, which would drown everything else. */
export function describeAction(a: CoreAction): string | null {
  switch (a.type) {
    case 'send':
      return null;
    case 'transition':
      return `${a.transition.from} -> ${a.transition.to} (epoch ${a.transition.epoch}): ${a.transition.reason}`;
    case 'alarm':
      return `alarm ${a.raised ? 'raised' : 'cleared'} ${a.alarm.id} (${a.alarm.severity}): ${a.alarm.message}`;
    case 'notice':
      return `notice ${a.name}: ${a.message}`;
    case 'persist': {
      const f = a.state.lastFence;
      return `persist epoch ${a.state.epoch}${f ? ` fence #${f.fenceId} ${f.result ?? 'pending'}` : ''}`;
    }
    case 'fence':
      return `fence #${a.fenceId} ${a.target} (incarnation ${a.targetIncarnation}): ${a.reason}`;
    case 'startResource':
      return `startResource #${a.opId} epoch ${a.epoch} cause ${a.cause}: ${a.reason}`;
    case 'stopResource':
      return `stopResource #${a.opId}: ${a.reason}`;
    case 'monitorResource':
      return `monitorResource #${a.opId}`;
    case 'commandResult':
      return `command #${a.cmdId} ${a.ok ? 'ok' : 'refused'}: ${a.message}`;
    case 'exit':
      return `exit${a.powerOff ? ' (power off)' : ''}: ${a.reason}`;
    case 'askArbiter':
      return `askArbiter: ${a.reason}`;
    case 'releaseArbiter':
      return 'releaseArbiter';
    case 'selfFence':
      return `selfFence: ${a.reason}`;
  }
}

export function formatEntry(e: Entry): string | null {
  const text = e.input !== undefined ? `<- ${e.input}` : e.action ? describeAction(e.action) : null;
  return text === null ? null : `${String(e.atMs).padStart(6)} ${e.node}  ${text}`;
}

/** Collects entries from one or two cores; tests assert on `lines()` so a failure prints the transcript. */
export class Recorder {
  readonly log: Entry[] = [];
  protected batch = 0;

  protected record(node: string, atMs: number, actions: CoreAction[], input?: string): CoreAction[] {
    this.batch++;
    if (input !== undefined) this.log.push({ atMs, node, batch: this.batch, input });
    for (const action of actions) this.log.push({ atMs, node, batch: this.batch, action });
    return actions;
  }

  lines(): string[] {
    return this.log.map(formatEntry).filter((l): l is string => l !== null);
  }

  transcript(): string {
    return this.lines().join('\n');
  }

  /** Recorded actions of one type, optionally of one node, with their time and batch. */
  acts<T extends CoreAction['type']>(type: T, node?: string): Array<{ atMs: number; node: string; batch: number; a: Extract<CoreAction, { type: T }> }> {
    return this.log
      .filter((e) => e.action?.type === type && (node === undefined || e.node === node))
      .map((e) => ({ atMs: e.atMs, node: e.node, batch: e.batch, a: e.action as Extract<CoreAction, { type: T }> }));
  }

  /** All actions of one batch in order (to check that a persist precedes a start). */
  batchOf(batch: number): CoreAction[] {
    return this.log.filter((e) => e.batch === batch && e.action).map((e) => e.action as CoreAction);
  }
}
