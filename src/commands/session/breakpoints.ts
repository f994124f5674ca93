/**
 * The breakpoint table: numbers, enable/disable, the four hardware slots
 * (DR0–DR3) for hbreak/watch, and the DR7 a host debugger programs through
 * KVM_SET_GUEST_DEBUG (debugreg[7]) for them.
 */
import { BreakpointError } from '../errors.ts';
import type { Breakpoint, BreakpointSpec } from './types.ts';

export const HW_SLOTS = 4;
/** DR7 bit 10 reads as 1; GE (bit 9) for exact data breakpoints, as gdb sets it. */
const DR7_FIXED = 0x400n;
const DR7_GE = 0x200n;

/** DR7 R/W and LEN fields of a slot (SDM Vol. 3 §18.2.4). */
export function dr7Bits(slot: number, bp: Pick<Breakpoint, 'kind' | 'len' | 'access'>): bigint {
  const rw = bp.kind === 'watch' ? (bp.access === 'access' ? 3n : 1n) : 0n;
  const len = bp.kind === 'watch' ? ({ 1: 0n, 2: 1n, 8: 2n, 4: 3n } as const)[bp.len] : 0n;
  const s = BigInt(slot);
  return (2n << (2n * s)) | (rw << (16n + 4n * s)) | (len << (18n + 4n * s));
}

/** debugreg[0..7] for KVM_GUESTDBG_USE_HW_BP from slot → (address, fields); null when no slot is used. */
export function hwDebugregs(slots: readonly ({ addr: bigint; kind: Breakpoint['kind']; len: Breakpoint['len']; access: Breakpoint['access'] } | null)[]): bigint[] | null {
  const regs = [0n, 0n, 0n, 0n, 0n, 0n, 0n, DR7_FIXED];
  let any = false;
  slots.forEach((s, i) => {
    if (s === null) return;
    any = true;
    regs[i] = s.addr;
    regs[7] |= dr7Bits(i, s);
    if (s.kind === 'watch') regs[7] |= DR7_GE;
  });
  return any ? regs : null;
}

export class BreakpointTable {
  private readonly bps = new Map<number, Breakpoint>();
  private next = 1;

  list(): Breakpoint[] {
    return [...this.bps.values()].map((b) => ({ ...b }));
  }

  /** The live entries (the session updates hits). */
  live(): Breakpoint[] {
    return [...this.bps.values()];
  }

  get(n: number): Breakpoint {
    const b = this.bps.get(n);
    if (b === undefined) throw new BreakpointError('no-such-bp', `no breakpoint number ${n}`);
    return b;
  }

  /** Validates the spec (alignment, length, a free slot); nothing changes on error. */
  add(spec: BreakpointSpec): Breakpoint {
    const hw = spec.kind !== 'break';
    const len = spec.kind === 'watch' ? (spec.len ?? (spec.addr % 8n === 0n ? 8 : 4)) : 1;
    if (spec.kind === 'watch') {
      if (![1, 2, 4, 8].includes(len)) throw new BreakpointError('bad-args', `watch length ${len}: must be 1, 2, 4 or 8`);
      if (spec.addr % BigInt(len) !== 0n) throw new BreakpointError('bad-args', `watch address 0x${spec.addr.toString(16)} is not aligned to its length ${len}`);
    }
    if (spec.addr < 0n || spec.addr >> 64n !== 0n) throw new BreakpointError('bad-args', `address ${spec.addr} is not a 64-bit address`);
    const slot = hw ? this.freeSlot() : null;
    if (hw && slot === null) throw new BreakpointError('no-slot', `no free hardware slot: all ${HW_SLOTS} debug registers (DR0–DR3) are in use; delete or disable one`);
    const bp: Breakpoint = {
      number: this.next++,
      kind: spec.kind,
      addr: spec.addr,
      location: spec.location,
      len: len as Breakpoint['len'],
      access: spec.kind === 'watch' ? (spec.access ?? 'write') : 'write',
      condition: spec.condition ?? null,
      enabled: true,
      hits: 0,
      slot,
    };
    this.bps.set(bp.number, bp);
    return bp;
  }

  delete(n?: number): void {
    if (n === undefined) this.bps.clear();
    else if (!this.bps.delete(n)) throw new BreakpointError('no-such-bp', `no breakpoint number ${n}`);
  }

  enable(n: number, on: boolean): void {
    const b = this.get(n);
    if (b.enabled === on) return;
    if (on && b.kind !== 'break') {
      const slot = this.freeSlot();
      if (slot === null) throw new BreakpointError('no-slot', `cannot enable ${n}: all ${HW_SLOTS} hardware slots (DR0–DR3) are in use`);
      b.slot = slot;
    }
    if (!on) b.slot = null;
    b.enabled = on;
  }

  /** Slot → the enabled hardware breakpoint in it. */
  slots(): (Breakpoint | null)[] {
    const s: (Breakpoint | null)[] = Array(HW_SLOTS).fill(null);
    for (const b of this.bps.values()) if (b.enabled && b.slot !== null) s[b.slot] = b;
    return s;
  }

  freeSlot(): number | null {
    const used = this.slots();
    const i = used.findIndex((x) => x === null);
    return i < 0 ? null : i;
  }

  resetHits(): void {
    for (const b of this.bps.values()) b.hits = 0;
  }
}
