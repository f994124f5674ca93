/**
 * Keys in order (tui.md "Keys"): every key is handled, one after the other,
 * each from the state the keys before it left. A key whose action starts a
 * command holds the keys after it until the command has settled — finished,
 * or gone on long enough that the store shows the guest running — so `s`
 * pressed ten times fast (or held down: auto-repeat) steps ten times, and
 * `b` after `s` toggles the line the step selected.
 *
 * Ctrl-C is out of band, as a terminal's interrupt character: while a
 * command holds the queue, it interrupts the command and drops the keys
 * typed ahead. Otherwise it queues like any key (it cancels the command line).
 */
import type { Key } from './keymap.ts';

export interface KeyHandlers {
  /** Handles one key; a promise: the keys after it wait until it resolves. */
  readonly handle: (k: Key) => Promise<void> | void;
  /** Ctrl-C while a command holds the queue. */
  readonly interrupt: () => void;
}

export class KeyQueue {
  private readonly keys: Key[] = [];
  private held = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly on: KeyHandlers) {}

  push = (k: Key): void => {
    if (this.held && k.name === 'ctrl-c') {
      this.keys.length = 0;
      this.on.interrupt();
      return;
    }
    this.keys.push(k);
    this.drain();
  };

  /** Keys waiting behind a command. */
  get waiting(): number {
    return this.keys.length;
  }

  /** Resolves once every key pushed so far has been handled (its command settled). */
  idle(): Promise<void> {
    if (!this.held && this.keys.length === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private drain(): void {
    while (!this.held && this.keys.length > 0) {
      const hold = this.on.handle(this.keys.shift()!);
      if (hold === undefined) continue;
      this.held = true;
      const release = () => {
        this.held = false;
        this.drain();
      };
      hold.then(release, release);
    }
    if (!this.held && this.keys.length === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
  }
}
