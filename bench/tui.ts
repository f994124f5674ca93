/**
 * The TUI's speed (issue 6: a frame under 10 ms, a key answered within one
 * frame), on the emulated backend and the bundled vmos guest:
 *
 * 1. Frame render time at 160×48: `renderFrame` (React render + Yoga layout
 *    + Ink's output, as one string) of real snapshots — at entry, stopped at
 *    a breakpoint in counter_main, and while the guest runs (a frame-timer
 *    snapshot: counters, rates, console). Median and p95 of N renders, in
 *    monochrome and with the colour theme.
 * 2. Key-to-screen latency while the guest runs, in process: the real
 *    `runTui` (Ink with no output throttle (maxFps 0), the store's 40 ms frame
 *    timer, the emulator running `continue`) on a fake 160×48 TTY. The
 *    clock starts when the key's bytes are written to the TUI's stdin and
 *    stops when Ink writes a frame that shows the key's effect (`?` opens the
 *    help overlay, any key closes it, Tab moves the focus). This includes
 *    the wait for the event loop while the emulator holds it, React, Yoga,
 *    Ink's throttle and the write; not the terminal's own drawing.
 *    Also: frames written per second while running, and the time from
 *    runTui to the ready marker.
 *
 * React runs its production build, as in the CLI (NODE_ENV=production
 * unless set). Figures are printed, never gated on wall time.
 */
import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import chalk from 'chalk';
import { Session } from '../src/commands/session/index.ts';
import type { ViewState } from '../src/views/index.tsx';

// As the CLI runs it (bin/vdbg.js): React's production build, chosen when react is first imported.
process.env.NODE_ENV ??= 'production';
const { readyMarker, renderFrame, runTui, TuiStore } = await import('../src/views/index.tsx');

const COLUMNS = 160;
const ROWS = 48;

export interface Dist {
  n: number;
  median: number;
  p95: number;
  max: number;
}

export interface TuiFigures {
  frames: { state: string; mono: { wall: Dist; cpu: Dist }; colour: { wall: Dist; cpu: Dist } }[];
  keys: Dist;
  keysByKind: Record<string, Dist>;
  framesPerSecond: number;
  readyMs: number;
  /** Times vmos ended during the key test and was reset and continued. */
  restarts: number;
  /** Event-loop delay (ms) while the keys were measured: how long the emulator and the renders hold the loop. */
  loopDelay: { median: number; p95: number; max: number };
  /**
   * One whole vmos run (`continue` from entry to its exit, a fixed amount of
   * guest work): best wall and CPU ms of 3 with the TUI up (frames, the
   * run loop's yields) and without it (the store alone, no frames) — the
   * emulator's speed the TUI leaves.
   */
  guestRun: { tui: { wall: number; cpu: number }; bare: { wall: number; cpu: number } };
}

function dist(xs: number[]): Dist {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));

/** Wall time of each render, and its CPU time (user + system: what a loaded machine does not inflate). */
function timeRenders(view: ViewState, color: boolean, n: number): { wall: Dist; cpu: Dist } {
  // The colour theme as a terminal would get it (chalk has no level when stdout is a pipe).
  const level = chalk.level;
  if (color && level === 0) chalk.level = 3;
  try {
    return timeRendersAt(view, color, n);
  } finally {
    chalk.level = level;
  }
}

function timeRendersAt(view: ViewState, color: boolean, n: number): { wall: Dist; cpu: Dist } {
  for (let k = 0; k < 10; k++) renderFrame(view, COLUMNS, ROWS, color);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < n; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    renderFrame(view, COLUMNS, ROWS, color);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: dist(wall), cpu: dist(cpu) };
}

/** Real snapshots: entry, a breakpoint stop in counter_main, and a frame while the guest runs. */
async function states(): Promise<[string, ViewState][]> {
  const session = await Session.open({ backend: 'emu' });
  const store = new TuiStore(session, { frameMs: 0 });
  const out: [string, ViewState][] = [['at entry', store.getSnapshot()]];
  await store.run('break counter_main');
  await store.run('continue');
  await store.run('continue');
  out.push(['at a breakpoint', store.getSnapshot()]);
  await store.run('delete');
  void store.run('continue');
  // Let the guest run (console, counters) and take two frames, for rates.
  await sleep(150);
  store.tick();
  await sleep(150);
  store.tick();
  const running = store.getSnapshot();
  if (running.state !== 'running') throw new Error(`expected a running snapshot, got ${running.state}`);
  out.push(['while running', running]);
  session.interrupt();
  await store.idle();
  store.dispose();
  await session.close();
  return out;
}

/** A 160×48 TTY for Ink: stdout records each write with its time; stdin takes key bytes. */
class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  writes: { t: number; text: string }[] = [];
  write = (chunk: string | Uint8Array): boolean => {
    this.writes.push({ t: performance.now(), text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    return true;
  };
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Writes `key` and waits for a frame (written after it) that passes `shows`; the latency in ms. */
async function keyLatency(stdin: FakeStdin, stdout: FakeStdout, key: string, shows: (frame: string) => boolean): Promise<number> {
  const from = stdout.writes.length;
  const t0 = performance.now();
  stdin.write(key);
  const end = t0 + 5000;
  for (;;) {
    const w = stdout.writes.slice(from).find((x) => shows(x.text));
    if (w !== undefined) return w.t - t0;
    if (performance.now() > end) throw new Error(`no frame showed the effect of ${JSON.stringify(key)} within 5 s`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Focus order (snapshot.PANES) from the disassembly pane on. */
const AFTER_TAB = ['Processes (CR3)', 'Breakpoint hits', 'Hypervisor', 'Console (guest serial)', 'Registers', 'Disassembly'];

async function liveKeys(rounds: number): Promise<Pick<TuiFigures, 'keys' | 'keysByKind' | 'framesPerSecond' | 'readyMs' | 'restarts' | 'loopDelay' | 'guestRun'>> {
  const session = await Session.open({ backend: 'emu' });
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const t0 = performance.now();
  const done = runTui({ session, color: false, stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream });
  const marker = readyMarker(session.imageName);
  while (!stdout.writes.some((w) => w.text.includes(marker))) await sleep(1);
  const readyMs = stdout.writes.find((w) => w.text.includes(marker))!.t - t0;

  // vmos ends by itself after about a second of emulation: when it has, reset it (command line) and continue again.
  let restarts = -1;
  const ensureRunning = async (): Promise<void> => {
    if (session.state === 'running') return;
    if (session.state !== 'stopped') {
      await keyLatency(stdin, stdout, ':reset\r', (f) => f.includes('stopped · emu'));
      // (the store publishes the frame before the session's state is read again)
      while ((session.state as string) !== 'stopped') await sleep(1);
    }
    restarts++;
    await keyLatency(stdin, stdout, 'c', (f) => f.includes('running · emu'));
  };

  await ensureRunning();
  // How long the event loop is held (emulator slices, renders) while the keys are measured.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // Frames written in the first half second of the run.
  const before = stdout.writes.length;
  await sleep(500);
  const framesPerSecond = stdout.writes.slice(before).filter((w) => w.text.includes('Hypervisor')).length * 2;

  const byKind: Record<string, number[]> = { '? (help opens)': [], 'any key (help closes)': [], 'Tab (focus moves)': [] };
  const keys: [string, string, (f: string) => boolean][] = [
    ['? (help opens)', '?', (f) => f.includes('═ Keys')],
    ['any key (help closes)', 'x', (f) => f.includes(' Registers ') && !f.includes('═ Keys')],
  ];
  let tab = 0;
  while (Math.min(...Object.values(byKind).map((xs) => xs.length)) < rounds) {
    // `?` then `x` as a pair (help open, then closed), so a reset never goes to the help overlay.
    await ensureRunning();
    for (const [kind, key, shows] of keys) {
      // Keys land at random phases of the frame timer and the emulator's slices.
      await sleep(Math.random() * 50);
      const d = await keyLatency(stdin, stdout, key, shows);
      // Only keys answered while the guest kept running count.
      if (session.state === 'running') byKind[kind].push(d);
    }
    await ensureRunning();
    await sleep(Math.random() * 50);
    const title = AFTER_TAB[tab++ % AFTER_TAB.length];
    const d = await keyLatency(stdin, stdout, '\t', (f) => f.includes(`╔═ ${title}`));
    if (session.state === 'running') byKind['Tab (focus moves)'].push(d);
  }
  loop.disable();
  const loopDelay = { median: loop.percentile(50) / 1e6, p95: loop.percentile(95) / 1e6, max: loop.max / 1e6 };
  // Whole vmos runs with the TUI up: reset, c, until it exits.
  const tui = { wall: Infinity, cpu: Infinity };
  for (let k = 0; k < 3; k++) {
    if (session.state === 'running') await keyLatency(stdin, stdout, ' ', (f) => f.includes('stopped · emu'));
    await keyLatency(stdin, stdout, ':reset\r', (f) => f.includes('stopped · emu'));
    while ((session.state as string) !== 'stopped') await sleep(1);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    stdin.write('c');
    const end = t0 + 30_000;
    while ((session.state as string) !== 'exited') {
      if (performance.now() > end) throw new Error(`vmos did not exit within 30 s under the TUI (${session.state})`);
      await sleep(2);
    }
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    tui.wall = Math.min(tui.wall, wall);
    tui.cpu = Math.min(tui.cpu, (c.user + c.system) / 1000);
  }
  stdin.write('q');
  const code = await done;
  if (code !== 0) throw new Error(`runTui returned ${code}`);
  await session.close();
  const keysByKind = Object.fromEntries(Object.entries(byKind).map(([k, xs]) => [k, dist(xs)]));
  return { keys: dist(Object.values(byKind).flat()), keysByKind, framesPerSecond, readyMs, restarts, loopDelay, guestRun: { tui, bare: await bareRuns() } };
}

/** Best of 3 whole vmos runs without a TUI (the store with no frame timer): wall and CPU ms. */
async function bareRuns(): Promise<{ wall: number; cpu: number }> {
  const best = { wall: Infinity, cpu: Infinity };
  for (let k = 0; k < 3; k++) {
    const session = await Session.open({ backend: 'emu' });
    const store = new TuiStore(session, { frameMs: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await store.run('continue');
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (session.state !== 'exited') throw new Error(`vmos ended ${session.state}, not exited`);
    best.wall = Math.min(best.wall, wall);
    best.cpu = Math.min(best.cpu, (c.user + c.system) / 1000);
    store.dispose();
    await session.close();
  }
  return best;
}

export async function reportTui(log: (line: string) => void, renders = 100, keyRounds = 20): Promise<TuiFigures> {
  log('');
  log(`TUI — frame render at ${COLUMNS}×${ROWS} (renderFrame of real session snapshots, ${renders} renders each; emu, vmos)`);
  const frames: TuiFigures['frames'] = [];
  for (const [state, view] of await states()) {
    const mono = timeRenders(view, false, renders);
    const colour = timeRenders(view, true, renders);
    frames.push({ state, mono, colour });
    log(`  ${state.padEnd(16)} mono median ${ms(mono.wall.median)}  p95 ${ms(mono.wall.p95)}  (CPU median ${ms(mono.cpu.median)})   colour theme median ${ms(colour.wall.median)}  p95 ${ms(colour.wall.p95)}`);
  }
  log(`  (colour theme rendered at chalk level ${chalk.level || 3}; goal: a frame under 10 ms)`);
  log(`TUI — key to screen while the guest runs (in process: runTui on a fake ${COLUMNS}×${ROWS} TTY, 40 ms frame timer, Ink unthrottled; key bytes written → first frame written that shows the effect)`);
  const live = await liveKeys(keyRounds);
  for (const [kind, d] of Object.entries(live.keysByKind)) {
    log(`  ${kind.padEnd(24)} median ${ms(d.median)}  p95 ${ms(d.p95)}  max ${ms(d.max)}  (n=${d.n})`);
  }
  log(`  all keys                 median ${ms(live.keys.median)}  p95 ${ms(live.keys.p95)}  max ${ms(live.keys.max)}  (goal: within one frame, 40 ms)`);
  log(`  frames written while running: ${live.framesPerSecond}/s; first frame (ready marker) ${ms(live.readyMs)} after runTui; vmos reset and continued ${live.restarts} times`);
  log(`  event-loop delay meanwhile (emulator slices + renders): median ${ms(live.loopDelay.median)}  p95 ${ms(live.loopDelay.p95)}  max ${ms(live.loopDelay.max)}`);
  const g = live.guestRun;
  log(`  a whole vmos run (continue from entry to its exit), best of 3: with the TUI up ${ms(g.tui.wall)} (CPU ${ms(g.tui.cpu)}), without it ${ms(g.bare.wall)} (CPU ${ms(g.bare.cpu)}): the guest runs at ${((g.bare.wall / g.tui.wall) * 100).toFixed(0)} % of its speed while the TUI is up`);
  return { frames, ...live };
}

// `npx tsx bench/tui.ts [renders] [keyRounds]`: these figures alone.
if (process.argv[1] !== undefined && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await reportTui((line) => console.log(line), Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 20));
}
