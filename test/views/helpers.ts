/**
 * Real states for the view tests: an emulated Session on the bundled vmos
 * guest driven through the TUI's store (frame timer off, clock fixed), so
 * every snapshot comes from really running the guest.
 */
import { Session } from '../../src/commands/session/index.ts';
import { TuiStore } from '../../src/views/store.ts';

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
