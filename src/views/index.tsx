/**
 * The terminal UI's entry points.
 * - runTui: the interactive TUI on a session (cli.tsx calls it when stdin and
 *   stdout are TTYs); resolves with the exit code when the user quits. Once
 *   the first frame is drawn it sets the terminal title to `vdbg: IMAGE`
 *   (OSC 2) — the ready marker a pty test can wait for. It draws on the
 *   alternate screen and gives the shell's screen back on every way out
 *   (terminal.ts).
 * - renderFrame: one frame of a snapshot as text, synchronously, no terminal
 *   (tests, benchmarks).
 */
import { render, renderToString } from 'ink';
import type { SessionApi } from '../commands/session/types.ts';
import { App } from './App.tsx';
import { Root } from './Root.tsx';
import type { ViewState } from './snapshot.ts';
import { TuiStore, type StoreOptions } from './store.ts';
import { takeScreen } from './terminal.ts';
import { COLOR, MONO } from './theme.ts';

export { TuiStore } from './store.ts';
export type { ViewState } from './snapshot.ts';

export interface TuiOptions extends StoreOptions {
  readonly session: SessionApi;
  /** false for --no-color / NO_COLOR. */
  readonly color: boolean;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
}

/** The ready marker: OSC 2 (set the window title). */
export const readyMarker = (image: string): string => `\x1b]2;vdbg: ${image}\x07`;

export async function runTui(opts: TuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const store = new TuiStore(opts.session, opts);
  const restoreScreen = takeScreen(stdout);
  // maxFps 0: no output throttle in Ink. The store already paces frames while the guest runs (its frame
  // timer), and a key's frame must not wait for Ink's (30 fps: up to 34 ms after the last frame).
  const app = render(
    <Root store={store} theme={opts.color ? COLOR : MONO} onReady={() => stdout.write(readyMarker(opts.session.imageName))} />,
    { stdout, stdin: opts.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 0 },
  );
  try {
    await app.waitUntilExit();
  } finally {
    restoreScreen();
    opts.session.interrupt();
    await store.idle();
    store.dispose();
  }
  return 0;
}

/** One frame of `view` at `columns` × `rows`, as text (ANSI styles only when colour is on and chalk has a level). */
export function renderFrame(view: ViewState, columns: number, rows: number, color = false): string {
  return renderToString(<App view={view} columns={columns} rows={rows} theme={color ? COLOR : MONO} />, { columns });
}
