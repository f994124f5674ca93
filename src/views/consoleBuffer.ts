/**
 * The console's text between frames: the guest's serial output arrives a
 * byte or a few at a time; a line is kept back until its newline comes, and
 * the unfinished one is handed over on its own (`consolePartial`), so a
 * frame never freezes a fragment into the console's lines.
 */
import type { ConsoleLine, ViewState } from './snapshot.ts';

export class ConsoleBuffer {
  private lines: ConsoleLine[] = [];
  private partial = '';

  /** `max`: lines the console keeps. */
  constructor(private readonly max: number) {}

  /** Serial output, as it comes. */
  write(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.lines.push({ kind: 'guest', text: p.replace(/\r$/, '') });
  }

  /** The console after `shown`: the lines completed since, then `extra` (a command and its answer); and the unfinished line. */
  take(shown: readonly ConsoleLine[], extra: readonly ConsoleLine[] = []): Pick<ViewState, 'console' | 'consolePartial'> {
    const all = [...shown, ...this.lines, ...extra];
    this.lines = [];
    return { console: all.length > this.max ? all.slice(all.length - this.max) : all, consolePartial: this.partial };
  }
}
