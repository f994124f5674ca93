/**
 * The JIT's cache and policy: which block entries get compiled (heat), where
 * the compiled regions are (on the entry's decoded Insn, and per physical
 * page so a write to the page drops them), and the cache budget (over it the
 * whole cache is flushed, as QEMU's tb_flush does when its buffer is full).
 * The CPU owns one; it calls `compile` from its fast loop and `pageDropped`
 * / `flush` when decoded code goes away.
 */
import type { Insn } from '../insn.ts';
import { compileRegion } from './compile.ts';
import { jitOptionsFromEnv, type JitOptions } from './options.ts';
import { formRegion, type CodeAt } from './region.ts';
import { NO_REGION, type CompiledRegion } from './region-types.ts';
import { JitStats } from './stats.ts';

interface Entry { readonly insn: Insn; readonly region: CompiledRegion }

export class Jit {
  readonly options: JitOptions = jitOptionsFromEnv();
  readonly stats = new JitStats();
  private readonly byPage = new Map<number, Entry[]>();

  /** Compile the region entered at linear address `la` (its decoded first instruction is `insn`, in page `ppn`). */
  compile(insn: Insn, la: number, ppn: number, codeAt: CodeAt): CompiledRegion {
    const shape = formRegion(la, codeAt);
    if (shape === null) {
      insn.region = NO_REGION;
      return NO_REGION;
    }
    const region = compileRegion(shape, ppn);
    const s = this.stats;
    if (s.liveBytes + region.bytes > this.options.cacheBytes) this.flush();
    s.regions++;
    s.bytes += region.bytes;
    s.liveRegions++;
    s.liveBytes += region.bytes;
    let list = this.byPage.get(ppn);
    if (list === undefined) this.byPage.set(ppn, (list = []));
    list.push({ insn, region });
    insn.region = region;
    return region;
  }

  /** The decoded code of physical page `ppn` was dropped (written, or found changed). */
  pageDropped(ppn: number): void {
    const list = this.byPage.get(ppn);
    if (list === undefined) return;
    this.byPage.delete(ppn);
    this.unlink(list);
    this.stats.invalidations += list.length;
  }

  /** Drop every region (cache budget, or all decoded code went). */
  flush(): void {
    if (this.byPage.size === 0) return;
    for (const list of this.byPage.values()) this.unlink(list);
    this.byPage.clear();
    this.stats.flushes++;
  }

  private unlink(list: Entry[]): void {
    for (const e of list) {
      if (e.insn.region === e.region) e.insn.region = undefined;
      e.insn.heat = 0;
      this.stats.liveRegions--;
      this.stats.liveBytes -= e.region.bytes;
    }
  }
}
