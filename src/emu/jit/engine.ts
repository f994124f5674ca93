/**
 * The JIT's cache and policy: which block entries get compiled (heat), where
 * the compiled regions are (on the entry's decoded Insn, and per physical
 * page so a write to the page drops them), and the cache budget (over it the
 * whole cache is flushed, as QEMU's tb_flush does when its buffer is full).
 * The CPU owns one; it calls `compile` from its fast loop and `pageDropped`
 * / `flush` when decoded code goes away.
 */
import type { Insn } from '../insn.ts';
import { compileRegion, regionSource } from './compile.ts';
import { jitOptionsFromEnv, type JitOptions } from './options.ts';
import { K_CALL_HANDLER } from './classify.ts';
import { MAX_INSNS, formRegion, type CodeAt, type Region } from './region.ts';
import { NO_REGION, type CompiledRegion } from './region-types.ts';
import { JitStats } from './stats.ts';

/** Largest region source, in characters, before the region is formed again with half the instructions. */
const MAX_SOURCE = 16_000;

/**
 * A region in which a third or more of the instructions run their
 * interpreter handler (SSE/x87 code) is no faster compiled than interpreted:
 * each call syncs registers through memory, and V8 takes long to optimize
 * such code (measured on bench/guest/fp.c). Such code stays in the interpreter.
 */
function mostlyHandlerCalls(shape: Region): boolean {
  const calls = shape.insns.filter((r) => r.kind === K_CALL_HANDLER).length;
  return calls * 3 > shape.insns.length;
}

interface Entry { readonly insn: Insn; readonly region: CompiledRegion }

export class Jit {
  readonly options: JitOptions = jitOptionsFromEnv();
  readonly stats = new JitStats();
  private readonly byPage = new Map<number, Entry[]>();

  /** Compile the region entered at linear address `la` (its decoded first instruction is `insn`, in page `ppn`). */
  compile(insn: Insn, la: number, ppn: number, codeAt: CodeAt): CompiledRegion {
    // TurboFan never optimizes a function whose bytecode exceeds ~60 KB (perf.md §1), and
    // unoptimized region code is slower than the interpreter: keep the source small.
    // The size is checked on the source, before V8 parses it.
    let region: CompiledRegion | null = null;
    for (let max = MAX_INSNS; region === null; max >>= 1) {
      const shape = formRegion(la, codeAt, max);
      if (shape === null || mostlyHandlerCalls(shape)) {
        insn.region = NO_REGION;
        return NO_REGION;
      }
      const src = regionSource(shape);
      if (src.length <= MAX_SOURCE || max <= 4) region = compileRegion(shape, ppn, src);
    }
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
