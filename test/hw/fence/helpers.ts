// Shared helpers for the fence agent tests: a virtual clock, a simulator link
// factory that records every link it opened, and byte/text conversions.

import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { simTransport, type SimDevice, type SimLink } from '../../../hw/ups/sim/simTransport';
import type { FenceClock } from '../../../hw/fence/deps';

export function virtualClock(): { clock: ManualClock; fenceClock: FenceClock } {
  const clock = new ManualClock();
  return { clock, fenceClock: { schedule: clock.schedule, nowMs: () => clock.nowMs } };
}

export function linkFactory(device: SimDevice): { open: () => Promise<SimLink>; links: SimLink[] } {
  const links: SimLink[] = [];
  return {
    links,
    open: async () => {
      const link = simTransport(device);
      links.push(link);
      return link;
    },
  };
}

/** Like `linkFactory`, for a console that greets only once the link is up, as a TCP console does. */
export function consoleLinkFactory(device: SimDevice & { connect(): void }, clock: ManualClock): { open: () => Promise<SimLink>; links: SimLink[] } {
  const plain = linkFactory(device);
  return {
    links: plain.links,
    open: async () => {
      const link = await plain.open();
      clock.schedule(0, () => device.connect());
      return link;
    },
  };
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

export function allWritten(links: readonly SimLink[]): string {
  return links.flatMap((l) => l.written.map(latin1)).join('');
}
