/**
 * Real states for the view tests: an emulated Session on the bundled vmos
 * guest driven through the TUI's store (frame timer off, clock fixed), so
 * every snapshot comes from really running the guest.
 */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { Session } from '../../src/commands/session/index.ts';
import { Root } from '../../src/views/Root.tsx';
import { TuiStore } from '../../src/views/store.ts';
import { MONO } from '../../src/views/theme.ts';

export async function openStore(image?: string): Promise<TuiStore> {
  const session = await Session.open({ backend: 'emu', image });
  return new TuiStore(session, { frameMs: 0, clock: () => 0 });
}

/** Stopped in the first counter process at counter_main, then two single-steps (rip and rsp change). */
export async function atCounter(): Promise<TuiStore> {
  const store = await openStore();
  for (const line of ['break counter_main', 'continue', 'stepi', 'stepi']) await store.run(line);
  return store;
}

/** Every line of a frame fits the terminal. */
export function frameFits(frame: string, columns: number, rows: number): boolean {
  const lines = frame.split('\n');
  return lines.length <= rows && lines.every((l) => [...l].length <= columns);
}

/**
 * The live TUI (Root) on `session` under ink-testing-library, MONO: the
 * store, the rendered UI, and `close` — unmount, interrupt a run, let the
 * keys settle, close the session.
 */
export function mountRoot(session: Session, opts: { frameMs: number; settleMs?: number; columns?: number; rows?: number; onReady?: () => void }) {
  const store = new TuiStore(session, { frameMs: opts.frameMs, clock: () => 0, settleMs: opts.settleMs });
  const ui = render(createElement(Root, { store, theme: MONO, size: { columns: opts.columns ?? 100, rows: opts.rows ?? 30 }, onReady: opts.onReady }));
  const close = async () => {
    ui.unmount();
    session.interrupt();
    await store.idle();
    store.dispose();
    await session.close();
  };
  return { store, ui, close };
}
