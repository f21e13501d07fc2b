// The board's status LEDs, following the core: active steady, standby slow
// blink, waiting/fencing fast blink, any critical alarm lights the fault LED.
// LEDs only show state: one that cannot be claimed is logged and left out.

import type { CoreStatus } from '../../core/types';
import { boardGpioBackend, type ResolvedBoard } from '../../../hw/boards';
import { faultFromAlarms, openStatusLeds, type StatusLeds } from '../../../hw/leds';
import { timerSchedule } from '../../../hw/ups/schedule';

type Log = (level: 'info' | 'warn' | 'error', event: string, msg: string) => void;

export class LedLink {
  private leds: StatusLeds | null = null;
  private closeGpio: () => void = () => undefined;

  /** Opens the board's LEDs; does nothing when the board has none. */
  async start(resolved: ResolvedBoard | null, log: Log): Promise<void> {
    const lines = Object.fromEntries(Object.entries(resolved?.leds ?? {}).map(([k, v]) => [k, v.value]));
    if (!resolved?.board || Object.keys(lines).length === 0) return;
    const gpio = boardGpioBackend({ name: resolved.board.name, gpioBackend: resolved.gpioBackend, simGpio: resolved.simGpio }, { schedule: timerSchedule, onProblem: (m) => log('warn', 'led-gpio', m) });
    if (!gpio.ok) return log('warn', 'led-gpio', `status LEDs off: ${gpio.error}`);
    this.closeGpio = gpio.value.close;
    const opened = await openStatusLeds(gpio.value.backend, lines, {
      schedule: timerSchedule,
      onWriteError: (led, e) => log('warn', 'led-write-failed', `${led} LED: ${e.message}`),
      onWriteRecovered: (led) => log('info', 'led-write-recovered', `${led} LED works again`),
    });
    for (const f of opened.failed) log('warn', 'led-unavailable', `${f.led} LED not used: ${f.error.message}`);
    this.leds = opened.leds;
  }

  update(core: CoreStatus): void {
    this.leds?.set({ role: core.role, fault: faultFromAlarms(core.alarms), commLost: core.peer.state === 'lost' });
  }

  async stop(): Promise<void> {
    await this.leds?.close();
    this.closeGpio();
  }
}
