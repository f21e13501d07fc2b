// Areca's binary RS-232 API (reference §8.1): framing, requests, typed
// replies, volume classification and a protocol simulator.

export * from './constants';
export { arecaChecksum, encodeFrame, hex } from './frame';
export { ArecaFramer, type ArecaDiscardReason, type ArecaFramerEvent } from './framer';
export type { ArecaScsiAttr, Decoded } from './bytes';
export { decodeSystemInfo, encodeSystemInfo, SYSTEM_INFO_BYTES, type ArecaComAttr, type ArecaSystemInfo } from './systemInfo';
export { decodeRaidSetInfo, encodeRaidSetInfo, RAID_SET_INFO_BYTES, type ArecaRaidSetInfo } from './raidSetInfo';
export {
  decodeVolumeInfo,
  encodeVolumeInfo,
  raidLevelName,
  volumeStatusNames,
  VOLUME_INFO_BYTES,
  type ArecaVolumeInfo,
} from './volumeInfo';
export { decodeDiskInfo, encodeDiskInfo, DISK_INFO_BYTES, type ArecaDiskInfo } from './diskInfo';
export { decodeRequest, encodeRequest, requestBody, type ArecaRequest } from './requests';
export { decodeReply, statusBody, statusText, type ArecaReply } from './replies';
export { classifyArecaVolume } from './classify';
export { createArecaModel, type ArecaSimulatorModel } from './simulatorModel';
export {
  ArecaSimulator,
  SIMULATOR_FAULTS_MAX,
  SIMULATOR_HISTORY_MAX,
  type ArecaSimulatorExchange,
  type ArecaSimulatorFault,
} from './simulator';
