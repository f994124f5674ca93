/** The hit log: a bounded ring of debug events with an exact total (commands.md `info hits`). */
import type { Hit } from './types.ts';

export const DEFAULT_HIT_LOG_SIZE = 10_000;

export class HitLog {
  private readonly ring: Hit[] = [];
  private start = 0;
  /** Every event ever logged, including those the ring dropped. */
  total = 0;

  constructor(readonly capacity = DEFAULT_HIT_LOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`hit log size ${capacity}`);
  }

  add(h: Hit): void {
    this.total++;
    if (this.ring.length < this.capacity) this.ring.push(h);
    else {
      this.ring[this.start] = h;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The last `n` entries kept (all by default), oldest first. */
  last(n?: number): Hit[] {
    const all = [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    return n === undefined ? all : all.slice(Math.max(0, all.length - n));
  }

  clear(): void {
    this.ring.length = 0;
    this.start = 0;
    this.total = 0;
  }
}
