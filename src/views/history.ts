/** The command line's history: the lines submitted (no repeats in a row), and where ↑ ↓ are in it. */
export class History {
  private readonly lines: string[] = [];
  private at = 0;

  add(line: string): void {
    if (this.lines[this.lines.length - 1] !== line) this.lines.push(line);
    this.reset();
  }

  /** Past the newest line (the command line opens there). */
  reset(): void {
    this.at = this.lines.length;
  }

  /** One line older (-1) or newer (1); past the newest: ''. */
  move(delta: -1 | 1): string {
    this.at = Math.max(0, Math.min(this.lines.length, this.at + delta));
    return this.lines[this.at] ?? '';
  }
}
