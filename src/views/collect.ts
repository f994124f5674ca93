/**
 * Reading the session into snapshot parts. `stoppedParts` calls vCPU ioctls
 * (registers, vCPU info, memory through CR3) and is used only while the
 * guest is stopped; `liveParts` reads only what is safe while a KVM_RUN is
 * in flight on either backend (counters, the hit log, the process table
 * from guest memory) — never a call that would wait for the vCPU.
 */
import { disassemble, type DisasmLine } from '../commands/disasm.ts';
import { symbolOf } from '../commands/lang/helpers.ts';
import { langState } from '../commands/lang/state.ts';
import type { Breakpoint, SessionApi } from '../commands/session/types.ts';
import { ROW_BYTES, type MemoryDump, type StackSlot } from './format/memory.ts';
import type { ViewState } from './snapshot.ts';

/** Hits the pane can show (the log keeps more; the total stays exact). */
export const HITS_SHOWN = 200;
/** Instructions decoded before and after RIP. */
const BEFORE = 12;
const AFTER = 40;

export type LiveParts = Pick<ViewState, 'hits' | 'hitCount' | 'processes' | 'counters' | 'jit' | 'state'>;
export type StoppedParts = LiveParts & Pick<ViewState, 'regs' | 'vcpu' | 'record' | 'disasm' | 'breakpoints' | 'stop' | 'filter' | 'backend' | 'image'>;

function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

export function liveParts(s: SessionApi): LiveParts {
  return {
    state: s.state,
    hits: [...s.hits(HITS_SHOWN)].reverse(),
    hitCount: s.hitCount(),
    processes: attempt(() => s.processes(), []),
    counters: s.counters(),
    jit: attempt(() => s.jitCounters(), null),
  };
}

export function stoppedParts(s: SessionApi): StoppedParts {
  const regs = attempt(() => s.registers(), null);
  const breakpoints = s.breakpoints();
  const rip = regs?.rip ?? s.lastStop?.rip ?? 0n;
  return {
    ...liveParts(s),
    regs,
    vcpu: attempt(() => s.vcpuInfo(), null),
    record: recordPart(s),
    disasm: disasmAround(s, rip, breakpoints),
    breakpoints,
    stop: s.lastStop,
    filter: s.filter,
    backend: s.backend,
    image: s.imageName,
  };
}

/** What `info record` and `info bookmarks` read (session/timeline.ts), for the status line and the timeline row. */
function recordPart(s: SessionApi): ViewState['record'] {
  const t = s.travel;
  const i = t?.info() ?? null;
  if (t === undefined || i === null) return null;
  return { icount: i.icount, replaying: i.replaying, start: i.start, end: i.end, snapshots: t.snapshotIcounts(), bookmarks: t.bookmarks() };
}

/** The x87/SSE registers (SessionApi.fpu), read only while the registers pane shows them; null when unreadable. */
export function fpuPart(s: SessionApi): Pick<ViewState, 'fpu'> {
  return { fpu: attempt(() => s.fpu(), null) };
}

/** The longest readable run of bytes at `addr`, up to `len` (page-walk failures shorten it). */
function readUpTo(s: SessionApi, addr: bigint, len: number): Uint8Array {
  for (let n = len; n >= 16; n = Math.floor(n / 2)) {
    const r = attempt(() => s.readVirtual(addr, n), null);
    if (r !== null) return r;
    const toPage = Number(0x1000n - (addr & 0xfffn));
    if (toPage < n && toPage >= 16) {
      const p = attempt(() => s.readVirtual(addr, toPage), null);
      if (p !== null) return p;
    }
  }
  return new Uint8Array(0);
}

/**
 * Instructions around RIP: decoded from the start of the function when RIP
 * is within 512 bytes of it (so the lines before RIP are real instruction
 * boundaries), else from RIP; at most BEFORE lines before RIP are kept.
 */
export function disasmAround(s: SessionApi, rip: bigint, breakpoints: readonly Breakpoint[]): DisasmLine[] {
  const at = s.symbols.at(rip);
  const opts = { symbols: s.symbols, breakpoints, rip };
  if (at !== undefined && at.offset > 0 && at.offset <= 512) {
    const start = rip - BigInt(at.offset);
    const lines = disassemble(readUpTo(s, start, at.offset + AFTER * 8), start, opts);
    const k = lines.findIndex((l) => l.current);
    if (k >= 0) return lines.slice(Math.max(0, k - BEFORE), k + AFTER);
  }
  return disassemble(readUpTo(s, rip, AFTER * 8), rip, { ...opts, count: AFTER });
}

/** Bytes at `addr`: a 16-byte row in one read, byte by byte where that fails (a row across an unmapped page); null: unreadable. */
function readBytes(s: SessionApi, addr: bigint, len: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < len; i += ROW_BYTES) {
    const n = Math.min(ROW_BYTES, len - i);
    const row = attempt(() => s.readVirtual(addr + BigInt(i), n), null);
    if (row !== null) out.push(...row);
    else for (let k = 0; k < n; k++) out.push(attempt(() => s.readVirtual(addr + BigInt(i + k), 1)[0], null));
  }
  return out;
}

/** The newest watchpoint hit's data address and length (the watchpoint's own: DR6 names the slot), or null. */
export function lastAccess(s: SessionApi): { addr: bigint; len: number } | null {
  const watches = new Map(s.breakpoints().filter((b) => b.kind === 'watch').map((b) => [b.number, b]));
  const hit = [...s.hits(HITS_SHOWN)].reverse().find((h) => watches.has(h.bp));
  const bp = hit === undefined ? undefined : watches.get(hit.bp);
  return bp === undefined ? null : { addr: bp.addr, len: bp.len };
}

/**
 * The memory pane's `rows` × 16 bytes: around `set tui memory`'s address,
 * else the last watchpoint hit's, else RSP — the row holding it second
 * from the top, so a little of what precedes it shows.
 */
export function memoryPart(s: SessionApi, rows: number): MemoryDump {
  const mark = lastAccess(s);
  const at = langState(s).tuiMemory ?? mark?.addr ?? attempt(() => s.registers().rsp, 0n);
  const base = BigInt.asUintN(64, (at & ~BigInt(ROW_BYTES - 1)) - (rows > 1 ? BigInt(ROW_BYTES) : 0n));
  return { base, bytes: readBytes(s, base, rows * ROW_BYTES), mark };
}

/** `count` qwords from RSP, each with the symbol it points into, else the qword it points to (one level; pwndbg's telescope). */
export function stackPart(s: SessionApi, count: number): { rsp: bigint; slots: StackSlot[] } {
  const rsp = attempt(() => s.registers().rsp, 0n);
  const qword = (a: bigint) =>
    attempt(() => {
      const b = s.readVirtual(a, 8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    }, null);
  const slots = Array.from({ length: count }, (_, k): StackSlot => {
    const addr = rsp + BigInt(8 * k);
    const value = qword(addr);
    if (value === null) return { addr, value };
    const symbol = symbolOf(s, value);
    if (symbol !== undefined) return { addr, value, symbol };
    const deref = qword(value);
    return deref === null ? { addr, value } : { addr, value, deref };
  });
  return { rsp, slots };
}
