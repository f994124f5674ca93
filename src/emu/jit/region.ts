/**
 * Region formation: from a hot entry, the basic blocks reachable through
 * fall-through and direct branches (Jcc, JMP, CALL rel) without leaving the
 * entry's 4 KiB page (v86 compiles a page's entry points into one function,
 * jit.rs; QEMU chains only within a page, tcg.rst). Blocks end at a branch
 * or before an instruction the JIT does not translate; an edge that leaves
 * the region is an exit to the interpreter at that address.
 */
import type { Insn } from '../insn.ts';
import { K_CALL, K_END, K_JCC, K_JMP, K_RET, classify } from './classify.ts';

/** Longest instruction: one starting at or below this offset lies within its page (decode.ts MAX_INSN_LEN). */
const LAST_SAFE_OFF = 4096 - 15;
/** Most instructions a region is formed with (engine.ts halves it while the code is too large). */
export const MAX_INSNS = 100;
const CANON = 2 ** 47;

export interface RegionInsn {
  readonly i: Insn;
  /** Linear address. */
  readonly la: number;
  readonly kind: number;
  /** Index in the region (fault tables). */
  id: number;
  /** Position in its block. */
  pos: number;
}

/** An edge: the index of a block of the region, or -1 with the linear address to exit to. */
export interface Edge { readonly block: number; readonly la: number }

export interface Block {
  readonly la: number;
  readonly insns: RegionInsn[];
  /** Where control goes after the last instruction (not taken / fall-through). */
  next: Edge | null;
  /** The taken edge of a Jcc, the target of a JMP/CALL; null for RET. */
  taken: Edge | null;
}

export interface Region {
  readonly la: number;
  readonly blocks: Block[];
  readonly insns: RegionInsn[];
  /** Blocks that start at the return address of a CALL in the region: where a RET may continue inside it. */
  readonly returns: Edge[];
}

/** Decoded instruction at a linear address of the entry's page, or undefined if not decodable here. */
export type CodeAt = (la: number) => Insn | undefined;

function branchTarget(r: RegionInsn): number {
  return r.la + r.i.len + r.i.imm;
}

/** Does an instruction of this kind end its block (a branch, CALL or RET)? */
export function isTerminator(kind: number): boolean {
  return kind === K_JCC || kind === K_JMP || kind === K_CALL || kind === K_RET;
}

/** Build the region entered at `la`; null if its first instruction is not translatable. */
export function formRegion(la: number, codeAt: CodeAt, maxInsns = MAX_INSNS): Region | null {
  const page = la - (la & 0xfff);
  const inPage = (t: number): boolean => t >= page && t - page <= LAST_SAFE_OFF;
  const seen = new Map<number, RegionInsn>();
  const leaders = new Set<number>([la]);
  const returnSites = new Set<number>();
  const work = [la];
  let count = 0;
  const at = (a: number): RegionInsn | undefined => {
    const hit = seen.get(a);
    if (hit !== undefined) return hit;
    if (!inPage(a) || count >= maxInsns) return undefined;
    const i = codeAt(a);
    if (i === undefined || (a & 0xfff) + i.len > 4096) return undefined;
    let kind = classify(i);
    if (isTerminator(kind) && kind !== K_RET) {
      const t = a + i.len + i.imm;
      if (t < -CANON || t >= CANON) kind = K_END; // the interpreter raises the #GP
    }
    if (kind === K_END) return undefined;
    const r: RegionInsn = { i, la: a, kind, id: count++, pos: 0 };
    seen.set(a, r);
    return r;
  };
  while (work.length > 0) {
    let a = work.pop()!;
    for (;;) {
      const known = seen.has(a);
      const r = at(a);
      if (r === undefined || known) break;
      if (isTerminator(r.kind)) {
        const t = branchTarget(r);
        if (r.kind !== K_RET && inPage(t)) {
          leaders.add(t);
          work.push(t);
        }
        // The fall-through of a Jcc; the return site of a CALL (a RET may come back to it).
        if (r.kind === K_JCC || (r.kind === K_CALL && inPage(a + r.i.len))) {
          leaders.add(a + r.i.len);
          work.push(a + r.i.len);
          if (r.kind === K_CALL) returnSites.add(a + r.i.len);
        }
        break;
      }
      a += r.i.len;
    }
  }
  if (!seen.has(la)) return null;
  // Blocks, entry first.
  const order = [la, ...[...leaders].filter((x) => x !== la && seen.has(x))];
  const index = new Map<number, number>(order.map((x, k) => [x, k]));
  const edge = (t: number): Edge => ({ block: index.get(t) ?? -1, la: t });
  const blocks: Block[] = [];
  const insns: RegionInsn[] = [];
  for (const start of order) {
    const b: Block = { la: start, insns: [], next: null, taken: null };
    let a = start;
    for (;;) {
      const r = seen.get(a)!;
      // One copy per block it appears in (blocks reached from several leaders may share a tail).
      const copy: RegionInsn = { ...r, id: insns.length, pos: b.insns.length };
      insns.push(copy);
      b.insns.push(copy);
      const after = a + r.i.len;
      if (isTerminator(r.kind)) {
        if (r.kind !== K_RET) b.taken = edge(branchTarget(r));
        if (r.kind === K_JCC) b.next = edge(after);
        break;
      }
      if (!seen.has(after) || index.has(after)) {
        b.next = edge(after);
        break;
      }
      a = after;
    }
    blocks.push(b);
  }
  const returns = [...returnSites].filter((t) => index.has(t)).map(edge);
  return { la, blocks, insns, returns };
}
