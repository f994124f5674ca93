/**
 * Guest RAM through time as per-page versions: a full copy when recording
 * starts, then for each snapshot only the 4 KiB pages written since the one
 * before (the MMU's `dirty` map plus host writes). Generations are one line
 * in time: restoring generation g rewrites only the pages that may differ
 * from it — those dirty now and those with a version between g and the
 * generation the current RAM derives from.
 */
const PAGE = 4096;

interface Version {
  gen: number;
  bytes: Uint8Array;
}

export class RamHistory {
  private readonly base: Uint8Array;
  private readonly versions = new Map<number, Version[]>();
  /** The generation the current RAM (plus dirty pages) derives from. */
  current = 0;
  private held = 0;

  constructor(private readonly ram: Uint8Array, private readonly dirty: Uint8Array) {
    this.base = ram.slice();
    dirty.fill(0);
  }

  /**
   * Record the dirty pages as generation `gen` and clear the dirty map. The
   * dirty pages are those written since generation `current`, so `gen` may
   * fall between two others (a snapshot placed while replaying a long
   * stretch): the versions after it stay right for theirs.
   */
  commit(gen: number): number {
    let bytes = 0;
    const d = this.dirty;
    for (let p = 0; p < d.length; p++) {
      if (d[p] === 0) continue;
      d[p] = 0;
      const copy = this.ram.slice(p * PAGE, (p + 1) * PAGE);
      let list = this.versions.get(p);
      if (list === undefined) this.versions.set(p, (list = []));
      let k = list.length;
      while (k > 0 && list[k - 1].gen > gen) k--;
      list.splice(k, 0, { gen, bytes: copy });
      bytes += PAGE;
    }
    this.held += bytes;
    this.current = gen;
    return bytes;
  }

  /** Rewrite RAM as it was at generation `gen`. */
  restore(gen: number): void {
    const lo = Math.min(gen, this.current), hi = Math.max(gen, this.current);
    const d = this.dirty;
    for (const [p, list] of this.versions) {
      if (list.some((v) => v.gen > lo && v.gen <= hi)) d[p] = 1;
    }
    for (let p = 0; p < d.length; p++) {
      if (d[p] === 0) continue;
      d[p] = 0;
      this.ram.set(this.pageAt(p, gen), p * PAGE);
    }
    this.current = gen;
  }

  /** Page `p` as it was at generation `gen`. */
  private pageAt(p: number, gen: number): Uint8Array {
    const list = this.versions.get(p);
    if (list !== undefined) {
      for (let k = list.length - 1; k >= 0; k--) if (list[k].gen <= gen) return list[k].bytes;
    }
    return this.base.subarray(p * PAGE, (p + 1) * PAGE);
  }

  /**
   * Forget generation `gen`; `next` is the next generation kept (undefined:
   * none). A page written at `gen` and not again up to `next` still holds
   * `next`'s content, so it moves to `next`.
   */
  drop(gen: number, next: number | undefined): void {
    for (const [p, list] of this.versions) {
      const k = list.findIndex((v) => v.gen === gen);
      if (k < 0) continue;
      this.dirty[p] = 1; // the current RAM may derive from `gen`: rewrite this page at the next restore
      const later = list[k + 1];
      if (next !== undefined && (later === undefined || later.gen > next)) {
        list[k].gen = next;
      } else {
        list.splice(k, 1);
        this.held -= PAGE;
        if (list.length === 0) this.versions.delete(p);
      }
    }
  }

  /** Mark pages the host wrote (the MMU does not see those stores). */
  markWritten(pa: number, len: number): void {
    const end = Math.min(pa + len, this.ram.length);
    for (let p = Math.floor(pa / PAGE); p * PAGE < end; p++) this.dirty[p] = 1;
  }

  bytes(): number {
    return this.base.length + this.held;
  }
}
