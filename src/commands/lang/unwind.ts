/**
 * Stack unwinding without debug info (`backtrace`, `info frame`), gdb's
 * fallbacks in order for each frame:
 *
 * 1. frame pointer: when RBP points into the stack just above RSP and
 *    [RBP+8] is a return address, the caller's frame is RIP=[RBP+8],
 *    RSP=RBP+16, RBP=[RBP];
 * 2. symbol-based stack scan: the first qword above RSP that is a return
 *    address — inside a symbol of the image, right after a CALL (E8 rel32
 *    whose target is the current function first; any CALL second);
 * 3. at CPL 0, an interrupt/exception/SYSCALL frame pushed on entry from
 *    CPL 3 (SDM Vol. 3A §6.14.2: RIP, CS, RFLAGS, RSP, SS, CS.RPL = 3) ends
 *    the kernel part: the next frame is the user's RIP/RSP at CPL 3 — the
 *    user→kernel transition.
 *
 * Heuristic, as gdb's own prologue-less unwinding: a stale return address in
 * a dead stack slot can show up as a frame (the `how` column says which rule
 * found each frame).
 */
import type { SessionApi } from '../session/types.ts';
import { symbolOf } from './helpers.ts';

export type FrameHow = 'regs' | 'fp' | 'scan' | 'trap';

export interface Frame {
  level: number;
  pc: bigint;
  /** RSP in this frame. */
  sp: bigint;
  /** The frame's CFA: the caller's RSP after the return (gdb's "frame at"); undefined for the outermost frame. */
  cfa?: bigint;
  /** Where this frame's return address was read (undefined for the outermost frame). */
  savedPcAt?: bigint;
  symbol?: string;
  cpl: number;
  /** How the frame was found: the registers (frame 0), the frame pointer, a stack scan, an interrupt frame. */
  how: FrameHow;
  /** For a frame entered from user mode: the interrupt frame (CS, SS, RFLAGS) that recorded it. */
  trap?: { at: bigint; cs: bigint; ss: bigint; rflags: bigint };
}

/** How far above RSP the scan looks for a return address. */
const SCAN_BYTES = 4096;
export const MAX_FRAMES = 64;

interface Reader {
  q(addr: bigint): bigint | undefined;
  bytes(addr: bigint, n: number): Uint8Array | undefined;
}

function reader(session: SessionApi): Reader {
  const bytes = (addr: bigint, n: number) => {
    try {
      return session.readVirtual(addr, n);
    } catch {
      return undefined;
    }
  };
  return {
    bytes,
    q(addr) {
      const b = bytes(addr, 8);
      return b === undefined ? undefined : new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    },
  };
}

/** The start of the function symbol covering `pc`, if any. */
function functionStart(session: SessionApi, pc: bigint): bigint | undefined {
  const a = session.symbols.at(pc);
  return a === undefined ? undefined : pc - BigInt(a.offset);
}

/**
 * Whether `v` is a return address: in a symbol of the image, and the bytes
 * before it end a CALL. 'exact': a direct CALL to `callee`; 'call': some
 * other CALL (indirect, or to a function that tail-called onward).
 */
function callBefore(session: SessionApi, r: Reader, v: bigint, callee: bigint | undefined): 'exact' | 'call' | undefined {
  if (v < 8n || symbolOf(session, v) === undefined) return undefined;
  const b = r.bytes(v - 7n, 7);
  if (b === undefined) return undefined;
  if (b[2] === 0xe8) {
    const rel = BigInt(new DataView(b.buffer, b.byteOffset + 3, 4).getInt32(0, true));
    return callee !== undefined && BigInt.asUintN(64, v + rel) === callee ? 'exact' : 'call';
  }
  // CALL r/m64 (FF /2): 2 (reg), 3 (disp8 or SIB), 6 or 7 (disp32) bytes with its ModRM.
  for (const k of [5, 4, 1, 0]) if (b[k] === 0xff && ((b[k + 1] >> 3) & 7) === 2) return 'call';
  return undefined;
}

/** An interrupt frame from CPL 3 at `p` (RIP, CS, RFLAGS, RSP, SS). */
function trapFrameAt(r: Reader, p: bigint): { rip: bigint; cs: bigint; rflags: bigint; rsp: bigint; ss: bigint } | undefined {
  const cs = r.q(p + 8n), rflags = r.q(p + 16n), ss = r.q(p + 32n);
  if (cs === undefined || rflags === undefined || ss === undefined) return undefined;
  const selector = (x: bigint) => x > 3n && x < 0x10000n && (x & 3n) === 3n;
  // RFLAGS bit 1 is always set, bits 22 and up always clear (SDM Vol. 1 §3.4.3).
  if (!selector(cs) || !selector(ss) || (rflags & 2n) === 0n || rflags >> 22n !== 0n) return undefined;
  return { rip: r.q(p)!, cs, rflags, rsp: r.q(p + 24n)!, ss };
}

export function unwind(session: SessionApi, max = MAX_FRAMES): Frame[] {
  const regs = session.registers();
  const cs = session.systemState().segments.cs;
  const r = reader(session);
  const frames: Frame[] = [{ level: 0, pc: regs.rip, sp: regs.rsp, symbol: symbolOf(session, regs.rip), cpl: cs.selector & 3, how: 'regs' }];
  let fp = regs.rbp;
  while (frames.length < max) {
    const cur = frames[frames.length - 1];
    const callee = functionStart(session, cur.pc);
    let next: Frame | undefined;
    // 1. The frame pointer.
    if (fp >= cur.sp && fp - cur.sp < BigInt(SCAN_BYTES) && (fp & 7n) === 0n) {
      const ret = r.q(fp + 8n);
      if (ret !== undefined && callBefore(session, r, ret, callee) !== undefined) {
        next = { level: frames.length, pc: ret, sp: fp + 16n, cpl: cur.cpl, how: 'fp' };
        cur.cfa = fp + 16n;
        cur.savedPcAt = fp + 8n;
        fp = r.q(fp) ?? 0n;
      }
    }
    // 2./3. Scan: an exact call first, then any call; at CPL 0 an interrupt frame from user mode.
    if (next === undefined) {
      let loose: bigint | undefined;
      for (let p = cur.sp; p < cur.sp + BigInt(SCAN_BYTES); p += 8n) {
        if (cur.cpl === 0) {
          const t = trapFrameAt(r, p);
          if (t !== undefined) {
            // The interrupt frame bounds this kernel frame: a loose CALL below it is not taken.
            loose = undefined;
            next = { level: frames.length, pc: t.rip, sp: t.rsp, cpl: 3, how: 'trap', trap: { at: p, cs: t.cs, ss: t.ss, rflags: t.rflags } };
            cur.cfa = p + 40n;
            cur.savedPcAt = p;
            fp = 0n;
            break;
          }
        }
        const v = r.q(p);
        if (v === undefined) break;
        const kind = callBefore(session, r, v, callee);
        if (kind === 'exact') {
          loose = undefined;
          next = { level: frames.length, pc: v, sp: p + 8n, cpl: cur.cpl, how: 'scan' };
          cur.cfa = p + 8n;
          cur.savedPcAt = p;
          break;
        }
        if (kind === 'call' && loose === undefined) loose = p;
      }
      if (next === undefined && loose !== undefined) {
        const v = r.q(loose)!;
        next = { level: frames.length, pc: v, sp: loose + 8n, cpl: cur.cpl, how: 'scan' };
        cur.cfa = loose + 8n;
        cur.savedPcAt = loose;
      }
    }
    if (next === undefined) break;
    next.symbol = symbolOf(session, next.pc);
    frames.push(next);
  }
  return frames;
}
