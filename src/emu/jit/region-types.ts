/**
 * What a compiled region is (compile.ts builds them, engine.ts caches them,
 * cpu.ts calls them): JavaScript for a set of basic blocks of one 4 KiB code
 * page, entered at one linear address.
 */
import type { Cpu } from '../cpu.ts';

/**
 * Runs guest code from `la` for at most `left` instructions and returns how
 * many retired (0: not even the first block fitted; nothing changed). On
 * return RIP, registers, flags and icount are exactly the interpreter's after
 * that many instructions. A fault mid-region leaves the state at the faulting
 * instruction (cpu.insnStart) and rethrows.
 */
export type RegionFn = (cpu: Cpu, left: number) => number;

export interface CompiledRegion {
  /** Linear address of the entry: the code bakes in linear addresses (RIP-relative operands, return addresses). */
  readonly la: number;
  readonly run: RegionFn;
  /** Physical page the region's code lives in (all of it). */
  readonly ppn: number;
  /** Length of the generated source, in characters (the cache budget counts these). */
  readonly bytes: number;
  /** Guest instructions translated. */
  readonly insns: number;
}

/** Marks an entry that cannot start a region (its first instruction is not translatable). */
export const NO_REGION: CompiledRegion = { la: NaN, run: () => 0, ppn: -1, bytes: 0, insns: 0 };
