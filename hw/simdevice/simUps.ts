// One face over the two serial UPS simulators, for the control commands: go
// on battery, low battery, battery charge, mains voltage, load, cable pulled.
// Each kind keeps its wire behaviour (Megatec has no charge field, so charge
// becomes battery voltage on NUT's guesstimation scale; APC answers `f`/`j`).

import { APC_VARIABLES, encodeApcValue } from '../ups/apcsmart/variables';
import { parseDecimal } from '../ups/nutVars';
import type { Schedule } from '../ups/schedule';
import { ApcSmartSim } from '../ups/sim/apcSmartSim';
import { apcSimStateFromNut } from '../ups/sim/apcWire';
import { MegatecSim } from '../ups/sim/megatecSim';
import { megatecSimStateFromNut } from '../ups/sim/megatecWire';
import type { SimDevice } from '../ups/sim/simTransport';

export type SimUpsKind = 'ups-megatec' | 'ups-apcsmart';
export const SIM_UPS_KINDS: readonly SimUpsKind[] = ['ups-megatec', 'ups-apcsmart'];

export interface SimUpsState {
  onBattery: boolean;
  lowBattery: boolean;
  charge: number;
  unplugged: boolean;
}

export interface SimUps {
  readonly kind: SimUpsKind;
  readonly device: SimDevice;
  state(): SimUpsState;
  setOnBattery(on: boolean): void;
  setLowBattery(low: boolean): void;
  setCharge(percent: number): void;
  /** Change the charge by `deltaPercent` from its exact (unrounded) value. */
  adjustCharge(deltaPercent: number): void;
  setInputVoltage(volts: number): void;
  setLoad(percent: number): void;
  setUnplugged(unplugged: boolean): void;
  /** Problems met while seeding from NUT variables. */
  readonly problems: string[];
}

/** Used when no dump is given: a plain line-interactive UPS on mains. */
export const DEFAULT_MEGATEC_VARS: ReadonlyMap<string, string> = new Map([
  ['ups.status', 'OL'],
  ['input.voltage', '230.0'],
  ['input.voltage.fault', '230.0'],
  ['output.voltage', '230.0'],
  ['ups.load', '20'],
  ['input.frequency', '50.0'],
  ['battery.voltage', '13.0'],
  ['ups.temperature', '30.0'],
  ['input.voltage.nominal', '230'],
  ['input.current.nominal', '5'],
  ['battery.voltage.nominal', '12'],
  ['input.frequency.nominal', '50'],
  ['ups.mfr', 'EDGE-HA SIM'],
  ['ups.model', 'MEGA-1000'],
  ['ups.firmware', 'V1.0'],
  ['ups.beeper.status', 'enabled'],
]);

export const DEFAULT_APC_VARS: ReadonlyMap<string, string> = new Map([
  ['ups.status', 'OL'],
  ['ups.model', 'Smart-UPS 1500'],
  ['ups.firmware', '601.3.I'],
  ['ups.serial', 'SIM0000000001'],
  ['battery.charge', '100.0'],
  ['battery.runtime', '3600'],
  ['battery.voltage', '27.40'],
  ['battery.voltage.nominal', '024'],
  ['input.voltage', '230.0'],
  ['input.frequency', '50.00'],
  ['output.voltage', '230.0'],
  ['ups.load', '020.0'],
  ['ups.temperature', '031.0'],
  ['ups.delay.shutdown', '090'],
]);

/** NUT's charge guess for lead-acid: 10.4 V (0 %) to 13.0 V (100 %) per 12 V block (nutdrv_qx man page). */
const LOW_PER_12V = 10.4;
const HIGH_PER_12V = 13.0;

export function createSimUps(kind: SimUpsKind, vars: ReadonlyMap<string, string>, schedule: Schedule): SimUps {
  return kind === 'ups-megatec' ? megatecUps(vars, schedule) : apcUps(vars, schedule);
}

function megatecUps(vars: ReadonlyMap<string, string>, schedule: Schedule): SimUps {
  const { state, problems } = megatecSimStateFromNut(vars);
  const sim = new MegatecSim(state, { schedule });
  const nominal = state.ratings?.batteryVoltage ?? 12 * Math.max(1, Math.round((state.batteryVoltage ?? 12) / 13));
  const low = (nominal / 12) * LOW_PER_12V;
  const high = (nominal / 12) * HIGH_PER_12V;
  const fromVoltage = state.batteryVoltage === undefined ? 100 : ((state.batteryVoltage - low) / (high - low)) * 100;
  let charge = clamp(parseDecimal(vars.get('battery.charge') ?? '') ?? fromVoltage);
  let unplugged = false;
  return {
    kind: 'ups-megatec',
    device: sim,
    problems,
    state: () => ({ onBattery: state.bits.utilityFail, lowBattery: state.bits.batteryLow, charge: shown(charge), unplugged }),
    setOnBattery: (on) => sim.setUtilityFail(on),
    setLowBattery: (lowBat) => sim.setBatteryLow(lowBat),
    adjustCharge(delta) {
      this.setCharge(charge + delta);
    },
    setCharge: (percent) => {
      charge = clamp(percent);
      state.batteryVoltage = Math.round((low + ((high - low) * charge) / 100) * 10) / 10;
    },
    setInputVoltage: (volts) => {
      state.inputVoltage = volts;
      state.inputFaultVoltage = volts;
    },
    setLoad: (percent) => (state.loadPercent = percent),
    setUnplugged: (u) => {
      unplugged = u;
      sim.faults.reply = u ? 'silent' : 'normal';
    },
  };
}

function apcUps(vars: ReadonlyMap<string, string>, schedule: Schedule): SimUps {
  const { state, problems } = apcSimStateFromNut(vars);
  const sim = new ApcSmartSim(state, { schedule });
  const answer = (name: string, value: string) => {
    const v = APC_VARIABLES.find((x) => x.name === name)!;
    const encoded = encodeApcValue(v, value);
    if (encoded.ok) state.answers.set(v.letter, encoded.value);
  };
  const initialCharge = clamp(parseDecimal(vars.get('battery.charge') ?? '') ?? 100);
  const fullRuntimeSec = parseDecimal(vars.get('battery.runtime') ?? '');
  let charge = initialCharge;
  let unplugged = false;
  const bit = (mask: number) => (state.statusBits & mask) !== 0;
  return {
    kind: 'ups-apcsmart',
    device: sim,
    problems,
    state: () => ({ onBattery: bit(0x10), lowBattery: bit(0x40), charge: shown(charge), unplugged }),
    setOnBattery: (on) => (bit(0x10) !== on ? sim.setOnBattery(on) : undefined),
    setLowBattery: (low) => (bit(0x40) !== low ? sim.setLowBattery(low) : undefined),
    adjustCharge(delta) {
      this.setCharge(charge + delta);
    },
    setCharge: (percent) => {
      charge = clamp(percent);
      answer('battery.charge', fixed(charge, 5, 1));
      // Runtime scales with what is left, from the seeded runtime at the seeded charge.
      if (fullRuntimeSec !== undefined && initialCharge > 0) answer('battery.runtime', String(Math.round((fullRuntimeSec * charge) / initialCharge)));
    },
    setInputVoltage: (volts) => answer('input.voltage', fixed(volts, 5, 1)),
    setLoad: (percent) => answer('ups.load', fixed(percent, 5, 1)),
    setUnplugged: (u) => {
      unplugged = u;
      sim.faults.reply = u ? 'silent' : 'normal';
    },
  };
}

/** Kept exact so slow draining adds up; rounded only when shown. */
function clamp(percent: number): number {
  return Math.min(100, Math.max(0, percent));
}

const shown = (percent: number) => Math.round(percent * 10) / 10;

/** "089.0": APC's zero-padded fixed fields. */
function fixed(value: number, width: number, decimals: number): string {
  return value.toFixed(decimals).padStart(width, '0');
}
