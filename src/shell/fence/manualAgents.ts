// The agents of `edge-ha fence-device` and the options each one takes, in one
// table: the help text is printed from it and the "does not take" check reads
// it, so the two cannot disagree. An option given to an agent that does not
// use it is refused rather than ignored: a forgotten `--sense-line` must not
// silently drive some other wiring.

export const MANUAL_ACTIONS = ['on', 'off', 'reboot', 'status', 'monitor'] as const;
export type ManualAction = (typeof MANUAL_ACTIONS)[number];

export const MANUAL_AGENTS = ['gpio-relay', 'rcd-serial', 'lcus-relay', 'rps10', 'apc-pdu', 'ups', 'ipmi', 'fence-agent', 'sim-power'] as const;
export type ManualAgent = (typeof MANUAL_AGENTS)[number];

/** Older names, still accepted: what they stand for. */
export const AGENT_ALIASES: Readonly<Record<string, { agent: ManualAgent; protocol?: UpsProtocol }>> = {
  lcus: { agent: 'lcus-relay' },
  'apc-ups': { agent: 'ups', protocol: 'apcsmart' },
  'megatec-ups': { agent: 'ups', protocol: 'megatec' },
};

export const UPS_PROTOCOLS = ['apcsmart', 'megatec'] as const;
export type UpsProtocol = (typeof UPS_PROTOCOLS)[number];

/** Every option of `fence-device`, as commander names them (camelCase of the flag). */
export interface ManualOptions {
  action?: string;
  timeout?: string;
  json?: boolean;
  address?: string;
  plug?: string;
  agent?: string;
  arg?: string[];
  passwordFile?: string;
  outlet?: string;
  login?: string;
  console?: string;
  protocol?: string;
  restoreMinutes?: string;
  senseAgent?: string;
  senseAddress?: string;
  senseOutlet?: string;
  host?: string;
  port?: string;
  user?: string;
  lanplus?: boolean;
  authType?: string;
  privilege?: string;
  chip?: string;
  line?: string;
  activeLow?: boolean;
  mode?: string;
  pulseMs?: string;
  holdMs?: string;
  senseChip?: string;
  senseLine?: string;
  senseActiveLow?: boolean;
  gpioBackend?: string;
  simFile?: string;
  simOutputs?: string;
  signal?: string;
}

interface AgentEntry {
  summary: string;
  /** Usage lines: every `--flag` named here is an option the agent takes. */
  usage: string[];
}

const GPIO_BACKEND_USAGE = '[--gpio-backend gpiod|onoff|sim] [--sim-file FILE [--sim-outputs FILE]]';

export const AGENT_TABLE: Readonly<Record<ManualAgent, AgentEntry>> = {
  'gpio-relay': {
    summary: "a relay on a GPIO output that cuts the peer's power or holds its reset",
    usage: [
      '--chip NAME --line N [--active-low] [--mode hold|pulse] [--pulse-ms MS] [--hold-ms MS]',
      '--sense-chip NAME --sense-line N [--sense-active-low]   (the power-good input, read back)',
      GPIO_BACKEND_USAGE,
    ],
  },
  'rcd-serial': {
    summary: "RC-delay reset cable: a DTR or RTS pulse on a serial port wired to the peer's reset",
    usage: ['--port /dev/ttyS1|serial:/dev/ttyS1 [--signal dtr|rts] [--pulse-ms MS]', '--sense-chip NAME --sense-line N [--sense-active-low]', GPIO_BACKEND_USAGE],
  },
  'lcus-relay': {
    summary: 'LCUS serial relay board (write-only: the power is read back through a second device); alias lcus',
    usage: [
      '--address HOST:PORT --outlet CHANNEL(1..8)',
      '--sense-agent rps10|apc-pdu|apc-ups|megatec-ups --sense-address HOST:PORT [--sense-outlet N]',
      '[--login NAME --password-file FILE [--console aos|menu]]   (an apc-pdu sense)',
    ],
  },
  rps10: { summary: 'WTI RPS-10 serial power switch', usage: ['--address HOST:PORT --outlet 0..9'] },
  'apc-pdu': {
    summary: 'APC MasterSwitch / rack PDU console',
    usage: ['--address HOST:PORT --outlet 1..64 --login NAME --password-file FILE [--console aos|menu]'],
  },
  ups: {
    summary: "the peer's own UPS as its power switch; aliases apc-ups, megatec-ups",
    usage: ['--address HOST:PORT --protocol apcsmart|megatec [--restore-minutes M (megatec)]'],
  },
  ipmi: {
    summary: "the peer's BMC over IPMI LAN",
    usage: ['--host HOST [--port N] [--user NAME] --password-file FILE [--lanplus] [--auth-type md5|password|none] [--privilege LEVEL]'],
  },
  'fence-agent': {
    summary: 'any ClusterLabs fence agent (fence_ipmilan, fence_apc, ...)',
    usage: ['--agent NAME|PATH [--arg key=value ...] [--plug NAME] [--password-file FILE]'],
  },
  'sim-power': { summary: "the simulated power switch of `edge-ha pair`", usage: ['--address HOST:PORT --plug NAME'] },
};

/** Options every agent takes. */
const COMMON = new Set(['action', 'timeout', 'json']);

const flagToKey = (flag: string): string => flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
export const keyToFlag = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function optionKeys(agent: ManualAgent): Set<string> {
  const flags = AGENT_TABLE[agent].usage.join(' ').match(/--[a-z][a-z-]*/g) ?? [];
  return new Set(flags.map(flagToKey));
}

export type AgentChoice = { ok: true; agent: ManualAgent; protocol?: UpsProtocol } | { ok: false; reason: string };

/** The agent a name stands for (aliases included). */
export function resolveAgent(name: string): AgentChoice {
  if ((MANUAL_AGENTS as readonly string[]).includes(name)) return { ok: true, agent: name as ManualAgent };
  const alias = Object.hasOwn(AGENT_ALIASES, name) ? AGENT_ALIASES[name] : undefined;
  if (alias !== undefined) return { ok: true, ...alias };
  const aliases = Object.keys(AGENT_ALIASES).join(', ');
  return { ok: false, reason: `unknown agent ${JSON.stringify(name.slice(0, 64))} (available: ${MANUAL_AGENTS.join(', ')}; also ${aliases})` };
}

/** null when every option given is one `agent` takes; else which are not, and what it takes. */
export function foreignOptions(agent: ManualAgent, typed: string, o: ManualOptions): string | null {
  const allowed = optionKeys(agent);
  const given = Object.entries(o)
    .filter(([k, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0) && !COMMON.has(k))
    .map(([k]) => k);
  const foreign = given.filter((k) => !allowed.has(k));
  if (foreign.length === 0) return null;
  const takes = [...allowed].map(keyToFlag).join(', ');
  return `${typed} does not take ${foreign.map(keyToFlag).join(', ')} (it takes ${takes}, and --action, --timeout, --json)`;
}

/** The agents section of `fence-device --help`. */
export function agentsHelp(): string {
  const lines = ['', 'Agents and their options (every agent also takes --action, --timeout MS and --json):'];
  for (const agent of MANUAL_AGENTS) {
    const e = AGENT_TABLE[agent];
    lines.push('', `  ${agent}: ${e.summary}`);
    for (const u of e.usage) lines.push(`      ${u}`);
  }
  lines.push(
    '',
    'Exit codes: 0 success (status: the target is on), 1 failure or a bad option (the reason on stderr), 2 off (status).',
    'off and reboot succeed only when the power reads off afterwards; on only when it reads on.',
    'Passwords come only from --password-file (mode 0600 or stricter) and are never printed.',
  );
  return `${lines.join('\n')}\n`;
}
