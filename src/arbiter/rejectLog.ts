// Rejected datagrams are logged one line each, but a flood of garbage must
// not flood the log: at most `perWindow` lines per window, then one line that
// counts what was left out.

export class RejectLogLimiter {
  private windowStartMs = -Infinity;
  private shown = 0;
  private suppressed = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly nowMs: () => number,
    private readonly perWindow = 10,
    private readonly windowMs = 10_000,
  ) {}

  reject(line: string): void {
    const now = this.nowMs();
    if (now - this.windowStartMs >= this.windowMs) {
      if (this.suppressed > 0) this.log(`witness: ${this.suppressed} more rejected datagram(s) not logged in the last ${this.windowMs} ms`);
      this.windowStartMs = now;
      this.shown = 0;
      this.suppressed = 0;
    }
    if (this.shown < this.perWindow) {
      this.shown++;
      this.log(line);
    } else {
      this.suppressed++;
    }
  }
}
