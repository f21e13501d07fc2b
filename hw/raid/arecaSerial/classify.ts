// Classify a volume set read over the Areca serial API from its status bits
// and fail mask (reference §8.1 bits; the order of the checks follows how
// OpenBSD arc(4) maps them for bioctl). Raid-set and disk state bytes are
// not documented, so only volumes are classified.

import type { RaidClassification } from '../types';
import { ARECA_VOLUME_STATUS as S } from './constants';
import { raidLevelName, volumeStatusNames, type ArecaVolumeInfo } from './volumeInfo';

/**
 * failed bit or needs-init → failed; rebuilding bit → rebuilding;
 * initializing → rebuilding (redundancy not yet established);
 * needs-regeneration or a non-zero fail mask → degraded; otherwise ok
 * (checking and migrating are named in the reason).
 */
export function classifyArecaVolume(vol: ArecaVolumeInfo, volumeNumber?: number): RaidClassification {
  const id = volumeNumber === undefined ? '' : `#${volumeNumber} `;
  const label = `Areca volume ${id}"${vol.name}" ${raidLevelName(vol.raidLevel)}`;
  const flags = volumeStatusNames(vol.status);
  const parts = [`status ${flags.length === 0 ? 'normal' : flags.join(', ')}`];
  if (vol.failMask !== 0) parts.push(`fail mask 0x${vol.failMask.toString(16)}`);
  const busy = (vol.status & (S.REBUILDING | S.INITIALIZING | S.CHECKING | S.MIGRATING)) !== 0;
  if (busy) parts.push(`progress counter ${vol.progressRaw} (unit undocumented)`);
  const say = (state: RaidClassification['state']): RaidClassification => ({
    state,
    reason: `${label} ${state}: ${parts.join('; ')}`,
  });
  if ((vol.status & S.FAILED) !== 0) return say('failed');
  if ((vol.status & S.NEEDS_INIT) !== 0) {
    parts.push('volume needs initialisation');
    return say('failed');
  }
  if ((vol.status & S.REBUILDING) !== 0) return say('rebuilding');
  if ((vol.status & S.INITIALIZING) !== 0) {
    parts.push('redundancy not yet established');
    return say('rebuilding');
  }
  if ((vol.status & S.NEEDS_REGENERATION) !== 0 || vol.failMask !== 0) return say('degraded');
  return say('ok');
}
