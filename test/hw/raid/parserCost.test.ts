// Regression: line matching must stay linear. Lazy groups followed by `\s*$`
// or `\s+` once made long runs of blanks quadratic (a 20k-character line
// took ~1 s). Each input below is 50 lines just under the line-length cap;
// for mdstat (16 KiB lines) a quadratic matcher needs seconds, a linear one
// milliseconds. cli64 lines are capped at 1 KiB, which alone keeps even a
// quadratic matcher cheap; those cases guard the cap and the patterns together.

import { ARECA_CLI_MAX_LINE_CHARS, parseArecaDiskInfo, parseArecaRsfInfo } from '../../../hw/raid/arecaCli';
import { MDSTAT_MAX_LINE_CHARS, parseMdstat } from '../../../hw/raid/mdstat';

const LINES = 50;
const BUDGET_MS = 1500;

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const mdBlank = ' '.repeat(MDSTAT_MAX_LINE_CHARS - 100);
const cliBlank = ' '.repeat(ARECA_CLI_MAX_LINE_CHARS - 60);
const repeat = (line: string): string => Array.from({ length: LINES }, () => line).join('\n');

const MDSTAT_CASES: Record<string, string> = {
  header: `md0 : active x${mdBlank}y`,
  bitmap: `md0 : active raid1 sda[0]\n${repeat(`      bitmap: 1/1 pages [1KB], 1KB chunk, file: x${mdBlank}y`)}`,
  progress: `md0 : active raid1 sda[0]\n${repeat(`      [==] resync = 1.0%${mdBlank}y`)}`,
  size: `md0 : active raid1 sda[0]\n${repeat(`      1 blocks super${mdBlank}y`)}`,
};

const RSF = ' #  Name             Disks TotalCap  FreeCap DiskChannels       State\n=====\n';
const DISK_CH = '  # Ch# ModelName  Capacity  Usage\n=====\n';
const DISK_ENC = '  # Enc# Slot#   ModelName                        Capacity  Usage\n=====\n';
const half = cliBlank.slice(cliBlank.length / 2);

describe('parsers stay linear on long blank runs', () => {
  it.each(Object.entries(MDSTAT_CASES))('mdstat %s', (_name, body) => {
    const text = `Personalities : [raid1]\n${body.includes('\n') ? body : repeat(body)}`;
    expect(timeMs(() => parseMdstat(text))).toBeLessThan(BUDGET_MS);
  });

  it.each([
    ['rsf name', () => parseArecaRsfInfo(RSF + repeat(` 1 a${half}1${half}1GB`))],
    ['rsf state', () => parseArecaRsfInfo(RSF + repeat(` 1 a 1 1GB 1GB x y${cliBlank}z`))],
    ['disk model (channel)', () => parseArecaDiskInfo(DISK_CH + repeat(` 1 1 a${half}1GB${half}x`))],
    ['disk model (enclosure)', () => parseArecaDiskInfo(DISK_ENC + repeat(` 1 1 slot 1 a${half}1GB${half}x`))],
    ['status', () => parseArecaRsfInfo(repeat(`GuiErrMsg<0x00>:${cliBlank}x`))],
  ])('areca %s', (_name, run) => {
    expect(timeMs(run)).toBeLessThan(BUDGET_MS);
  });

  it('reports and skips lines over the cap', () => {
    const r = parseMdstat(`Personalities : [raid1]\nmd0 : active raid1 ${'x'.repeat(MDSTAT_MAX_LINE_CHARS)}`);
    expect(r.arrays).toEqual([]);
    expect(r.errors).toEqual([`line 2: ${MDSTAT_MAX_LINE_CHARS + 19} characters, longer than any mdstat line (${MDSTAT_MAX_LINE_CHARS}); skipped`]);
    const c = parseArecaRsfInfo(`${RSF} 1 ${'x'.repeat(ARECA_CLI_MAX_LINE_CHARS)}\n=====\nGuiErrMsg<0x00>: Success.`);
    expect(c.errors).toEqual([`line 3: ${ARECA_CLI_MAX_LINE_CHARS + 3} characters, longer than any cli64 line (${ARECA_CLI_MAX_LINE_CHARS}); skipped`]);
  });
});
