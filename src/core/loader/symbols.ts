/**
 * Symbol lookups for an image: by name, and from an address to the nearest
 * symbol at or below it (`counter_main+8`), as a debugger prints locations.
 */
import type { ElfSymbol } from './elf.ts';

export class SymbolTable {
  private readonly byName = new Map<string, ElfSymbol>();
  /** function and object symbols sorted by address, for `at` */
  private readonly sorted: ElfSymbol[];

  constructor(readonly symbols: readonly ElfSymbol[]) {
    // Prefer globals when two symbols share a name (a static and a global).
    for (const s of symbols) if (!this.byName.has(s.name) || s.global) this.byName.set(s.name, s);
    this.sorted = symbols.filter((s) => s.type !== 'notype' || s.global).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  get(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  /** The value of `name`, or an Error naming the missing symbol. */
  address(name: string): bigint {
    const s = this.byName.get(name);
    if (s === undefined) throw new Error(`no symbol '${name}' in the image`);
    return s.value;
  }

  /** The symbol containing `addr` (or the nearest one below it, for size-less labels) and the offset into it. */
  at(addr: bigint): { symbol: ElfSymbol; offset: number } | undefined {
    let lo = 0, hi = this.sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].value <= addr) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (best < 0) return undefined;
    // Among symbols at the same address, prefer a sized function or object.
    let k = best;
    while (k > 0 && this.sorted[k - 1].value === this.sorted[best].value) k--;
    const same = this.sorted.slice(k, best + 1);
    const symbol = same.find((s) => s.size > 0 && s.type !== 'notype') ?? same[same.length - 1];
    const offset = Number(addr - symbol.value);
    if (symbol.size > 0 && offset >= symbol.size) return undefined;
    return { symbol, offset };
  }

  /** `name+off` (or `name`) for an address, undefined when no symbol covers it. */
  format(addr: bigint): string | undefined {
    const a = this.at(addr);
    if (a === undefined) return undefined;
    return a.offset === 0 ? a.symbol.name : `${a.symbol.name}+${a.offset}`;
  }
}
