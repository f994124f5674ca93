/**
 * Debug-register hardware (SDM Vol. 3 §18.2–18.3): DR7-enabled execute
 * breakpoints (fault-like, before the instruction, suppressed by RF), data
 * breakpoints (trap-like, after the access; length and R/W type from DR7).
 * Matching costs nothing while DR7 enables nothing: the CPU only runs these
 * checks in its slow loop, and data breakpoints keep their pages out of the
 * TLB so only accesses to those pages reach `dataAccess`.
 */
import type { Cpu } from './cpu.ts';
import { DB, GuestFault } from './fault.ts';

export interface DebugState {
  /** Any breakpoint enabled in DR7. */
  active: boolean;
  /** Bit i: DRi is an enabled execute breakpoint. */
  exec: number;
  /** Bit i: DRi is an enabled data breakpoint. */
  data: number;
  /** Data breakpoints hit by the executing instruction (DR6 B0–B3). */
  hits: number;
  /** DR6 bits of a pending #DB fault (B0–B3 of a code breakpoint, or BD of general detect). */
  faultBits: number;
  /**
   * The executing instruction delivered an event (INT n, INT3, INT1, an
   * interrupt): its pending debug traps are discarded, as the handler runs
   * with TF clear (SDM Vol. 3 §18.3.1.4; Bochs discards debug traps on delivery).
   */
  discard: boolean;
  /**
   * MOV SS blocking (SDM Vol. 3 §6.8.3): set by MOV SS; for the next
   * instruction code breakpoints are not checked and the debug traps of the
   * MOV SS (held in `pending`) are reported after it.
   */
  blockNext: boolean;
  /** DR6 trap bits held back by MOV SS blocking. */
  pending: number;
}

export function newDebugState(): DebugState {
  return { active: false, exec: 0, data: 0, hits: 0, faultBits: 0, discard: false, blockNext: false, pending: 0 };
}

// DR6/DR7 bits (SDM Vol. 3 §18.2.3–18.2.4; uapi.md §2.1).
export const DR6_BD = 0x2000;
export const DR6_BS = 0x4000;
/** DR6 bits that read as 1 on this CPU (no RTM, no bus-lock detection): DR6_ACTIVE_LOW. */
export const DR6_FIXED_1 = 0xffff0ff0;
/** DR6 bits software can write: B0–B3, BD, BS, BT. */
export const DR6_WRITABLE = 0xe00f;
export const DR7_GD = 0x2000;
export const DR7_FIXED_1 = 0x400;
/** DR7 bits software can write (KVM DR7_VOLATILE): bit 10 reads 1, bits 12, 14, 15 read 0. */
export const DR7_VOLATILE = 0xffff2bff;

/** DR7 LEN encoding to bytes: 00 → 1, 01 → 2, 10 → 8, 11 → 4. */
const LEN_BYTES = [1, 2, 8, 4];

export function rwOf(dr7: number, i: number): number {
  return (dr7 >>> (16 + 4 * i)) & 3;
}
export function lenOf(dr7: number, i: number): number {
  return LEN_BYTES[(dr7 >>> (18 + 4 * i)) & 3];
}

export function updateDebugState(cpu: Cpu): void {
  const s = cpu.dbg, dr7 = cpu.dr7;
  s.exec = 0;
  s.data = 0;
  const pages: number[] = [];
  for (let i = 0; i < 4; i++) {
    if (((dr7 >>> (2 * i)) & 3) === 0) continue;
    const rw = rwOf(dr7, i);
    if (rw === 0) s.exec |= 1 << i;
    else if (rw === 1 || rw === 3) {
      s.data |= 1 << i;
      const len = lenOf(dr7, i);
      const start = cpu.dr[i] - (((cpu.dr[i] % len) + len) % len);
      for (let p = Math.floor(start / 4096); p <= Math.floor((start + len - 1) / 4096); p++) pages.push(p);
    }
    // rw === 2: I/O breakpoints (with CR4.DE) are not emulated: IN/OUT never match.
  }
  s.active = s.exec !== 0 || s.data !== 0;
  // Newly watched pages must leave the TLB (so their accesses reach dataAccess);
  // pages no longer watched may stay out of it until they are next touched.
  const old = cpu.mmu.watchedPages;
  cpu.mmu.watchedPages = pages;
  if (pages.some((p) => !old.includes(p))) cpu.mmu.flushTlb();
}

/** Raise #DB (fault) when RIP matches an enabled execute breakpoint. */
export function checkCodeBreakpoints(cpu: Cpu, rip: number): void {
  let bits = 0;
  for (let i = 0; i < 4; i++) if ((cpu.dbg.exec >> i) & 1 && cpu.dr[i] === rip) bits |= 1 << i;
  if (bits !== 0) {
    cpu.dbg.faultBits = bits;
    throw new GuestFault(DB);
  }
}

/** Record data breakpoints hit by an access of `size` bytes at `la`. */
export function dataAccess(cpu: Cpu, la: number, size: number, write: boolean): void {
  const s = cpu.dbg;
  if (s.data === 0) return;
  for (let i = 0; i < 4; i++) {
    if (((s.data >> i) & 1) === 0) continue;
    const rw = rwOf(cpu.dr7, i);
    if (rw === 1 && !write) continue;
    const len = lenOf(cpu.dr7, i);
    const start = cpu.dr[i] - (((cpu.dr[i] % len) + len) % len);
    if (la < start + len && start < la + size) s.hits |= 1 << i;
  }
}
