/**
 * A real terminal for end-to-end tests: the `vdbg` binary in a tmux pane.
 *
 * Each test file gets its own tmux server (`-L` socket named after the
 * process), so nothing touches a user's tmux and cleanup is one kill-server
 * of a server we started. The pane stays after the program exits
 * (remain-on-exit), so its exit status can be read (#{pane_dead_status}).
 * The child runs without CI (Ink draws only the last frame in CI mode,
 * stack.md) and with the colour setting the test asks for.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** An environment for tmux and its children: no CI, the caller's extras on top. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.CI;
  // A tmux client refuses to nest inside another one.
  delete env.TMUX;
  return env;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface StartOptions {
  readonly args?: readonly string[];
  /** Extra environment for vdbg (FORCE_COLOR, NO_COLOR, …). */
  readonly env?: Record<string, string>;
  readonly columns?: number;
  readonly rows?: number;
}

/** One condition polled on the screen. */
export type Check = (screen: string) => boolean;

export class TmuxTerm {
  private static next = 0;
  readonly socket = `vdbg-e2e-${process.pid}`;
  readonly name: string;
  statusFile = '';

  private constructor(name: string) {
    this.name = name;
  }

  /** Starts `node bin/vdbg.js ARGS` in a new detached session of `columns` × `rows`. */
  static start(opts: StartOptions = {}): TmuxTerm {
    const t = new TmuxTerm(`vdbg${TmuxTerm.next++}`);
    const envs = Object.entries({ ...opts.env }).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
    // `env -u CI` again (a tmux server started earlier keeps the environment it started with); NO_COLOR only when the test sets it.
    // tmux 3.3a does not reliably report #{pane_dead_status}: a shell writes vdbg's status to a file (128 + N after a signal).
    t.statusFile = join(tmpdir(), `vdbg-e2e-${process.pid}-${t.name}.status`);
    rmSync(t.statusFile, { force: true });
    const cmd = `cd ${sh(ROOT)} && env -u CI -u NO_COLOR ${envs} node bin/vdbg.js ${(opts.args ?? []).map(sh).join(' ')}; echo $? > ${sh(t.statusFile)}`;
    t.tmux(
      '-f', '/dev/null', 'new-session', '-d', '-s', t.name, '-x', String(opts.columns ?? 120), '-y', String(opts.rows ?? 40), cmd,
      ';', 'set-option', '-t', t.name, 'remain-on-exit', 'on',
      ';', 'set-option', '-s', 'escape-time', '0',
    );
    return t;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The visible screen as text (trailing blanks trimmed per line by tmux). */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The visible screen with SGR sequences (`capture-pane -e`). */
  screenEscapes(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.name);
  }

  /** A tmux format of the pane: #{pane_title}, #{pane_dead}, #{pane_dead_status}, #{window_width}. */
  query(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.name, format).trim();
  }

  /** tmux key names: `s`, `Enter`, `Tab`, `BTab`, `F7`, `Down`, `Escape`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Text typed literally (`send-keys -l`). */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /**
   * Polls `check` on the screen every 25 ms until it holds on a settled
   * frame (returns that screen) or `timeoutMs` passes (throws with the last
   * screen). Settled: the same screen read twice 10 ms apart, because tmux
   * can be captured while Ink is halfway through writing a frame (the RIP
   * marker moved, the status line not yet redrawn).
   */
  async waitFor(what: string, check: Check, timeoutMs = 10_000, read: () => string = () => this.screen()): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = read();
      if (check(last)) {
        await new Promise((r) => setTimeout(r, 10));
        const again = read();
        if (again === last) return last;
        last = again;
      }
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for the ready marker (OSC 2 title `vdbg: IMAGE`) and the status line. */
  async ready(image = 'vmos'): Promise<string> {
    await this.waitFor(`the ready marker 'vdbg: ${image}'`, () => this.query('#{pane_title}') === `vdbg: ${image}`);
    return this.waitFor('the status line', (s) => /· \? help\s*$/m.test(s));
  }

  /** Waits for the program to end; its exit status. */
  async exitStatus(timeoutMs = 10_000): Promise<number> {
    await this.waitFor('the program to exit', () => this.query('#{pane_dead}') === '1' && existsSync(this.statusFile), timeoutMs, () => '');
    return Number(readFileSync(this.statusFile, 'utf8').trim());
  }

  /** vdbg's pid: the child of the pane's shell. */
  programPid(): number {
    const shell = this.query('#{pane_pid}');
    return Number(execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]);
  }

  /** Ends the session (and the server with its last session). */
  kill(): void {
    try {
      this.tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }

  /** Ends this file's tmux server (started by us, on our own socket). */
  static killServer(): void {
    const name = `vdbg-e2e-${process.pid}`;
    try {
      execFileSync('tmux', ['-L', name, 'kill-server'], { stdio: 'ignore', env: childEnv() });
    } catch {
      // no server (it exits with its last session)
    }
    // tmux leaves its socket file behind: $TMUX_TMPDIR (default /tmp)/tmux-UID/NAME.
    rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, name), { force: true });
  }
}

/** The pane lines of a screen: the rows above the command line and status line. */
export function lines(screen: string): string[] {
  return screen.replace(/\n+$/, '').split('\n');
}

/** The status line: the last non-blank line. */
export function statusLine(screen: string): string {
  return lines(screen).filter((l) => l.trim() !== '').at(-1) ?? '';
}

/** The rows of a pane, found by its title, cut to the pane's columns. */
export function pane(screen: string, title: string): string[] {
  const ls = lines(screen);
  const top = ls.findIndex((l) => l.includes(`${title} `) && /[┌╔]/.test(l));
  if (top < 0) return [];
  const start = [...ls[top]].findIndex((_, k, a) => (a[k] === '┌' || a[k] === '╔') && a.slice(k, k + title.length + 4).join('').includes(title));
  const chars = [...ls[top]];
  let end = start + 1;
  while (end < chars.length && chars[end] !== '┐' && chars[end] !== '╗') end++;
  const out: string[] = [];
  for (let r = top + 1; r < ls.length; r++) {
    const row = [...ls[r]].slice(start, end + 1).join('');
    if (/^[└╚]/.test(row)) break;
    out.push(row.slice(1, -1));
  }
  return out;
}

/** SGR parameter lists in a `capture-pane -e` screen. */
export function sgrParams(screen: string): number[][] {
  return [...screen.matchAll(/\x1b\[([0-9;:]*)m/g)].map((m) => (m[1] === '' ? [0] : m[1].split(/[;:]/).map(Number)));
}

/** SGR codes that set a colour (foreground, background, 256/true colour, bright). */
export function colourCodes(screen: string): number[] {
  return sgrParams(screen).flat().filter((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107));
}
