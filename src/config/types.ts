// The effective configuration of one node, after the YAML file was validated
// and defaults were filled in. src/config/schema.ts must produce exactly this.

import type { ArbitratorConfig, HardwareConfig } from './hardware';
import type { PowerFenceDeviceConfig } from './powerDevices';

export type { ArbitratorConfig, HardwareConfig };

export interface HostPort {
  host: string;
  port: number;
}

export interface HeartbeatPathConfig {
  /** Name used in logs, alarms and status, e.g. `crossover`, `lan`. */
  name: string;
  /** Local address to bind the UDP socket to. */
  bind: HostPort;
  /** Peer's address on this path. */
  peer: HostPort;
  intervalMs: number;
  missMultiplier: number;
}

export type FenceDeviceConfig =
  | {
      name: string;
      type: 'command';
      /** argv of a ClusterLabs-style fence agent; options go on stdin as key=value lines. */
      command: string[];
      /** Extra key=value options passed on stdin (e.g. ipaddr, login, plug). */
      options: Record<string, string>;
      timeoutMs: number;
    }
  | {
      name: string;
      type: 'sim-power';
      /** The simulated power switch of `edge-ha pair` (TCP, loopback). */
      address: HostPort;
      /** Outlet that powers the peer. */
      plug: string;
      timeoutMs: number;
    }
  | SerialFenceDeviceConfig
  /** IPMI BMC, GPIO relay, RC-delay reset cable (schemas in powerDevices.ts). */
  | PowerFenceDeviceConfig;

/**
 * Fence devices on a serial line, reached over TCP (ser2net or a terminal
 * server). `timeoutMs` bounds each call: for the UPSes it is the time allowed
 * for the output to change (the APC grace delay, Megatec's 12 s).
 */
export type SerialFenceDeviceConfig =
  | { name: string; type: 'rps10'; address: HostPort; /** Outlet 0..9 feeding the peer. */ outlet: number; waitForReady: boolean; timeoutMs: number }
  | {
      name: string;
      type: 'apc-pdu';
      address: HostPort;
      /** 1-based outlet feeding the peer. */
      outlet: number;
      login: string;
      /** First line is the password; mode 0600 or stricter; read at each use, never logged. */
      passwordFile: string;
      /** `aos`: the command line of AOS firmware; `menu`: the numbered menus of older units. */
      console: 'aos' | 'menu';
      timeoutMs: number;
    }
  | { name: string; type: 'apc-ups'; address: HostPort; timeoutMs: number }
  | { name: string; type: 'megatec-ups'; address: HostPort; /** 0: stay off until `on`. */ restoreMinutes: number; timeoutMs: number }
  | {
      name: string;
      type: 'lcus';
      address: HostPort;
      /** Relay channel 1..8 in the peer's power line. */
      channel: number;
      /** The board never answers: this other device's status confirms the power state. */
      senseDevice: string;
      timeoutMs: number;
    };

export interface ResourceConfig {
  name: string;
  type: 'command';
  /** argv prefix; the action (start|stop|monitor) is appended. OCF exit codes: 0 ok/running, 7 not running. */
  command: string[];
  startTimeoutMs: number;
  stopTimeoutMs: number;
  monitorTimeoutMs: number;
  monitorIntervalMs: number;
}

export interface Config {
  cluster: { id: string; waitForAll: boolean };
  node: { id: string; priority: number };
  peer: { id: string };
  heartbeat: {
    /** Shared key file: one `<keyId> <hex key>` per line; first line signs, all verify. Mode must be 0600 or stricter. */
    keyFile: string;
    paths: HeartbeatPathConfig[];
  };
  fencing: {
    action: 'off' | 'reboot';
    devices: FenceDeviceConfig[];
    /**
     * Fencing topology: levels of device names tried in order; every device of a level must confirm.
     * Absent: each device is its own level, in `devices` order.
     */
    levels?: string[][];
    /** Self-fencing: asked by a node that lost its peer whether it may survive (needs hardware.watchdog.device). */
    arbitrator?: ArbitratorConfig;
    /** Check every fence device this often (Pacemaker's stonith monitor); 0 disables. */
    monitorIntervalMs: number;
  };
  resource: ResourceConfig;
  stateDir: string;
  controlSocket: string;
  timeouts: {
    startupWaitMs: number;
    fenceDelayMs: number;
    fenceTimeoutMs: number;
    fenceRetryMs: number;
    fenceRetryMaxMs: number;
    restartDelayMs: number;
    shutdownLingerMs: number;
    /** Random part added to a non-owner's fence delay (0..this), so two non-owners do not fire in step. */
    fenceDelayRandomMs: number;
    /** On critical power, the owner waits at most this long for a critical peer to shut down first. */
    powerShutdownWaitMs: number;
  };
  logging: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'auto' | 'json' | 'pretty' };
  telemetry: TelemetryConfig;
  hardware: HardwareConfig;
  /** Test and lab switches. Off in production. */
  testing: { faultInjection: boolean };
}

/** MQTT telemetry (docs/telemetry.md). Paths are absolute once loaded. */
export interface TelemetryConfig {
  enabled: boolean;
  broker: {
    url?: string | undefined;
    protocolVersion: 4 | 5;
    /** Default `edge-ha-<cluster>-<node>`: fixed per node, so a broker can tell a reconnect from a stranger. */
    clientId?: string | undefined;
    username?: string | undefined;
    passwordFile?: string | undefined;
    caFile?: string | undefined;
    certFile?: string | undefined;
    keyFile?: string | undefined;
    keepaliveSec: number;
    connectTimeoutMs: number;
  };
  reconnect: { initialDelayMs: number; maxDelayMs: number; jitter: number };
  profile: 'sparkplug' | 'json';
  homeAssistant: { enabled: boolean; prefix: string };
  publish: { maxIntervalMs: number; minIntervalMs: number; counterIntervalMs: number };
  queue: { maxRecords: number };
  commands: { enabled: boolean; keyFile?: string | undefined; maxSkewMs: number };
}
