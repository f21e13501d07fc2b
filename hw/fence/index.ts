// The STONITH agents for real power devices, each a FenceDevice over an
// injected link, plus the simulators that speak their bytes. Wire a device
// through `oneAtATime` so two operations never fight over one port.

export { MemoryPower, type FenceClock, type PowerBackend, type TransportFactory } from './deps';
export { oneAtATime } from './oneAtATime';
export { fenceSimFaults, type FenceSimFaults } from './sim/faults';

export { LcusFenceDevice, type LcusFenceOptions, type SenseOff } from './lcus/device';
export { LcusSim, type LcusSimOptions } from './lcus/sim';

export { Rps10FenceDevice, type Rps10FenceOptions } from './rps10/device';
export { Rps10Sim, type Rps10SimOptions } from './rps10/sim';

export { ApcPduFenceDevice, type ApcPduFenceOptions } from './apcpdu/device';
export { ApcPduSim, type ApcPduSimOptions } from './apcpdu/sim';
export { ApcMenuFenceDevice, type ApcMenuFenceOptions } from './apcpdu/menuDevice';
export { ApcMenuSim, type ApcMenuSimOptions } from './apcpdu/menuSim';

export { ApcUpsFenceDevice, type ApcUpsFenceOptions } from './upsswitch/apcDevice';
export { ApcUpsSim, type ApcUpsSimOptions } from './upsswitch/apcSim';
export { MegatecUpsFenceDevice, type MegatecUpsFenceOptions } from './upsswitch/megatecDevice';
export { MegatecUpsSim, type MegatecUpsSimOptions } from './upsswitch/megatecSim';
