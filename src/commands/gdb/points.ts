/**
 * gdb's breakpoints and watchpoints (gdb manual, Packets › Z0–Z4, z0–z4) as
 * session breakpoints, so they are the same objects `info breakpoints` and
 * the TUI show (location `gdb:SYMBOL` or `gdb:0xADDR`):
 *
 * - Z0 software breakpoint → `break` (INT3); Z1 hardware → `hbreak`;
 * - Z2 write / Z4 access watchpoint → `watch` write / access. A range gdb
 *   asks for is split into aligned 1/2/4/8-byte pieces, one debug register
 *   each (as gdbserver's x86 debug-register code does); all or nothing;
 * - Z3 read watchpoint: unsupported (the empty reply). x86 debug registers
 *   have no read-only mode (R/W = 11 is read *or* write, SDM Vol. 3
 *   §18.2.4), and gdb answers the empty reply by emulating the read
 *   watchpoint with an access watchpoint and its own value check — what it
 *   does with gdbserver and with QEMU's KVM stub.
 *
 * Inserting is idempotent (the manual asks for it: the same Z twice is one
 * breakpoint) and so is removing (a breakpoint the user deleted in vdbg
 * meanwhile is already gone). gdb inserts every breakpoint before it
 * resumes and removes them after each stop (`breakpoint always-inserted
 * off`), so these come and go with gdb's resumes.
 */
import type { Breakpoint, SessionApi } from '../session/types.ts';
import type { PointType } from './packets.ts';

interface Entry {
  type: PointType;
  addr: bigint;
  size: number;
  /** Session breakpoint numbers (several for a split watch range). */
  numbers: number[];
}

/** How a watchpoint stop is reported (Stop Reply Packets › T: watch, rwatch, awatch). */
export type WatchKind = 'watch' | 'rwatch' | 'awatch';

/** Aligned pieces of [addr, addr + size): the largest of 8/4/2/1 bytes aligned at each point. */
export function splitRange(addr: bigint, size: number): { addr: bigint; len: 1 | 2 | 4 | 8 }[] {
  const out: { addr: bigint; len: 1 | 2 | 4 | 8 }[] = [];
  let a = addr;
  let left = size;
  while (left > 0) {
    const len = ([8, 4, 2, 1] as const).find((n) => a % BigInt(n) === 0n && n <= left)!;
    out.push({ addr: a, len });
    a += BigInt(len);
    left -= len;
  }
  return out;
}

export class PointTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly session: SessionApi) {}

  /** Z: true when done (or already there), false for an unsupported type (Z3); throws the session's refusal. */
  insert(type: PointType, addr: bigint, size: number): boolean {
    if (type === 3) return false;
    const key = `${type}:${addr}:${size}`;
    if (this.entries.has(key)) return true;
    const where = `gdb:${this.session.symbols.format(addr) ?? `0x${addr.toString(16)}`}`;
    const numbers: number[] = [];
    try {
      if (type === 0 || type === 1) {
        numbers.push(this.session.addBreakpoint({ kind: type === 0 ? 'break' : 'hbreak', addr, location: where }).number);
      } else {
        if (size < 1) throw new Error(`watch length ${size}`);
        for (const p of splitRange(addr, size)) {
          numbers.push(this.session.addBreakpoint({ kind: 'watch', addr: p.addr, len: p.len, access: type === 2 ? 'write' : 'access', location: where }).number);
        }
      }
    } catch (e) {
      for (const n of numbers) this.session.deleteBreakpoint(n);
      throw e;
    }
    this.entries.set(key, { type, addr, size, numbers });
    return true;
  }

  /** z: true when done (or not there), false for an unsupported type. */
  remove(type: PointType, addr: bigint, size: number): boolean {
    if (type === 3) return false;
    const key = `${type}:${addr}:${size}`;
    const e = this.entries.get(key);
    if (e === undefined) return true;
    this.entries.delete(key);
    const live = new Set(this.session.breakpoints().map((b) => b.number));
    for (const n of e.numbers) if (live.has(n)) this.session.deleteBreakpoint(n);
    return true;
  }

  /** Removes every breakpoint gdb inserted (detach, kill, disconnect). */
  removeAll(): void {
    for (const e of [...this.entries.values()]) this.remove(e.type, e.addr, e.size);
  }

  /**
   * What gdb should be told about a stop at session breakpoint `bp`, at
   * `rip`: `swbreak`/`hwbreak` when gdb has a Z0/Z1 at RIP, the watch kind
   * when `bp` is a piece of gdb's Z2/Z4; null for a stop only vdbg's own
   * breakpoints explain (set in vdbg: gdb is told a plain SIGTRAP, since a
   * swbreak where it has no breakpoint makes gdb resume silently, taking the
   * trap for one of its own it has just removed).
   */
  explain(bp: Breakpoint, rip: bigint): { kind: 'swbreak' | 'hwbreak' } | { kind: WatchKind; addr: bigint } | null {
    if (bp.kind === 'watch') {
      for (const e of this.entries.values()) if (e.numbers.includes(bp.number)) return { kind: e.type === 2 ? 'watch' : 'awatch', addr: bp.addr };
      return null;
    }
    for (const e of this.entries.values()) if ((e.type === 0 || e.type === 1) && e.addr === rip) return { kind: e.type === 0 ? 'swbreak' : 'hwbreak' };
    return null;
  }
}
