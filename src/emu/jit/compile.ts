/**
 * Region → JavaScript: one function per region (perf.md §4). Guest registers
 * the region touches and the lazy flags are JS locals, loaded at entry and
 * written back at the single exit and in the fault handler; blocks are cases
 * of a switch in a loop, so direct branches between them never leave the
 * function. Before each block the instruction budget is checked (a block
 * that would overrun it exits to the interpreter, which then runs exactly
 * the remaining instructions); `n` counts retired instructions; `ci` names
 * the instruction that may fault, so a fault is reported exactly where the
 * interpreter would report it. After any instruction that took the MMU's
 * slow path (`sx`; a code-page write, MMIO raising an interrupt, a TLB flush
 * may have set `cpu.slow`) or called a handler, `cpu.slow` ends the region
 * after it, as it ends the interpreter's fast loop. Flag records nothing
 * reads are left out (liveness.ts). A block that branches to itself has a
 * loop of its own inside its case.
 */
import { GuestFault } from '../fault.ts';
import { HIGH_BYTE, type Handler, type Insn } from '../insn.ts';
import { K_CALL, K_CALL_HANDLER, K_JCC, K_JMP, K_RET } from './classify.ts';
import { condExpr, forget } from './emit-flags.ts';
import { emitNative, emitPushConst, emitRet } from './emit-ops.ts';
import { FLAG_LOCALS, Gen } from './gen.ts';
import { ccOf, deadRecords, mayFault } from './liveness.ts';
import { isTerminator, type Block, type Edge, type Region, type RegionInsn } from './region.ts';
import type { CompiledRegion, RegionFn } from './region-types.ts';
import { RUNTIME } from './runtime.ts';

const STORE = '/*STORE*/', LOAD = '/*LOAD*/';

/** Jump along edge `e` from block `from`: to a block (a block that loops to itself has its own loop), or out. */
function goto(e: Edge | null, from: number): string {
  if (e === null) throw new Error('region block without a successor');
  if (e.block === from) return 'continue;';
  return e.block >= 0 ? `bb = ${e.block}; continue L;` : `nip = ${e.la}; break L;`;
}

/** Does the block branch to itself (a loop of one block: it gets a loop of its own, no dispatch)? */
function selfLoop(blk: Block, b: number): boolean {
  return blk.taken?.block === b || blk.next?.block === b;
}

/**
 * GPRs a handler called in place can touch: its explicit operands (ModRM
 * reg/rm, base, index, the +r register, VEX.vvvv) and the implicit ones —
 * for SSE RAX/RCX/RDX (PCMPESTRx/PCMPISTRx) and RDI (MASKMOVDQU), for x87 AX
 * (FNSTSW), for the integer families RAX, RCX, RDX, RBX, RSP and RBP (which
 * cover every implicit operand there: MUL/DIV/CQO/CMPXCHG RAX:RDX, CMPXCHG16B
 * RBX:RCX, shifts by CL, MULX RDX, XLAT RBX, PUSH/POP/ENTER/LEAVE RSP:RBP;
 * no integer instruction of these families uses RSI, RDI or R8–R15
 * implicitly: string instructions end regions). null: any register (APX
 * REX2 forms, which name R16–R31).
 */
function handlerGprs(i: Insn): number[] | null {
  if (i.rex2) return null;
  const fam = i.row?.exec;
  const set = new Set<number>(fam === 'sse' ? [0, 1, 2, 7] : fam === 'x87' ? [0] : [0, 1, 2, 3, 4, 5]);
  const byteReg = (code: number): number => (code & HIGH_BYTE ? code & 3 : code);
  for (const n of [i.base, i.index, i.reg, i.rm, i.opReg, byteReg(i.reg8), byteReg(i.rm8), i.vex ? i.vvvv : -1]) {
    if (n >= 0 && n < 16) set.add(n);
  }
  return [...set];
}

/**
 * Does an SSE or x87 handler read or write EFLAGS? (COMISS/COMISD/UCOMIS*,
 * PTEST, PCMPxSTRx write them; x87 DA/DB/DF hold FCMOVcc, which reads them,
 * and FCOMI/FUCOMI(P), which write them.) The others leave the flag locals
 * out of the call.
 */
function handlerFlags(i: Insn): boolean {
  const row = i.row;
  if (row?.exec === 'x87') return i.op === 0xda || i.op === 0xdb || i.op === 0xdf;
  return row?.exec !== 'sse' || /comis|ptest|pcmp.str/.test(row.mnemonic);
}

/** Run the interpreter's handler in place: registers and flags go through cpu.r / cpu.fl. */
function emitHandlerCall(g: Gen, r: RegionInsn, next: number): void {
  const gprs = handlerGprs(r.i);
  const flags = gprs === null || handlerFlags(r.i);
  if (gprs === null) g.emit(`${STORE} cpu.rip = ${next}; H[${r.id}](cpu, I[${r.id}]); ${LOAD}`);
  else g.emit(`${g.storeRegs(gprs)} ${flags ? g.storeFlags() : ''} cpu.rip = ${next}; H[${r.id}](cpu, I[${r.id}]); ${g.loadRegs(gprs)} ${flags ? g.loadFlags() : ''}`);
  g.emit(`if (cpu.slow || cpu.rip !== ${next}) { n += ${r.pos + 1}; nip = cpu.rip; break L; }`);
  if (flags) forget(g); // else the flag locals, and what is known of them, stand
}

function emitBlockBody(g: Gen, region: Region, b: number): void {
  const blk = region.blocks[b];
  const len = blk.insns.length;
  const loop = selfLoop(blk, b);
  g.emit(`case ${b}: ${loop ? 'for (;;) ' : ''}{`);
  g.emit(`if (n + ${len} > left) { nip = ${blk.la}; break L; }`);
  g.known = null;
  const dead = deadRecords(blk.insns);
  for (const r of blk.insns) {
    const next = r.la + r.i.len;
    g.deadFlags = dead[r.pos];
    const faulting = mayFault(r);
    if (faulting) g.emit(`ci = ${r.id};`);
    switch (r.kind) {
      case K_JCC:
        g.emit(`n += ${len};`);
        g.emit(`if (${condExpr(g, ccOf(r))}) { ${goto(blk.taken, b)} } else { ${goto(blk.next, b)} }`);
        break;
      case K_JMP:
        g.emit(`n += ${len}; ${goto(blk.taken, b)}`);
        break;
      case K_CALL:
        emitPushConst(g, next);
        g.emit(`n += ${len}; if (sx !== 0) { nip = ${blk.taken!.la}; break L; } ${goto(blk.taken, b)}`);
        break;
      case K_RET: {
        // Back to a return site of this region: stay inside (the block checks the budget).
        const t = emitRet(g);
        const sites = region.returns.map((e) => `case ${e.la}: ${goto(e, -1)}`).join(' ');
        g.emit(`n += ${len}; if (sx !== 0) { nip = ${t}; break L; }${sites ? ` switch (${t}) { ${sites} }` : ''} nip = ${t}; break L;`);
        break;
      }
      case K_CALL_HANDLER:
        emitHandlerCall(g, r, next);
        break;
      default:
        g.emit('{');
        if (!emitNative(g, r)) {
          g.emit('}');
          emitHandlerCall(g, r, next);
          break;
        }
        g.emit('}');
        if (faulting) g.emit(`if (sx !== 0) { n += ${r.pos + 1}; nip = ${next}; break L; }`);
    }
  }
  if (!isTerminator(blk.insns[len - 1].kind)) {
    g.emit(`n += ${len}; ${goto(blk.next, b)}`);
  }
  g.emit('}');
}

/** Generated source of the region's function body (engine.ts checks its size before compiling it). */
export function regionSource(region: Region): string {
  const g = new Gen();
  for (let b = 0; b < region.blocks.length; b++) emitBlockBody(g, region, b);
  const regs = [...g.regs];
  const decl = [
    'const r = cpu.r, fl = cpu.fl, mmu = cpu.mmu, DV = mmu.dv, U8 = mmu.u8;',
    'const RT = mmu.r.tag, RP = mmu.r.pa, WT = mmu.w.tag, WP = mmu.w.pa;',
    regs.length > 0 ? `let ${regs.map((n) => `l${n} = r[${2 * n}], h${n} = r[${2 * n + 1}]`).join(', ')};` : '',
    `let ${FLAG_LOCALS.map((f, k) => `${f} = fl[${k}]`).join(', ')};`,
    'let n = 0, ci = 0, bb = 0, nip = 0, sx = 0;',
  ];
  const wb = `${g.storeRegs()} ${g.storeFlags()}`;
  const body = g.lines.join('\n').split(STORE).join(wb).split(LOAD).join(`${g.loadRegs()} ${g.loadFlags()}`);
  return [
    ...decl,
    'try {',
    'L: for (;;) { switch (bb) {',
    body,
    '} }',
    '} catch (e) {',
    `${wb} cpu.icount += n + P[ci]; cpu.insnStart = A[ci]; throw e;`,
    '}',
    `${wb} cpu.rip = nip; cpu.icount += n; return n;`,
  ].join('\n');
}

/** The region's entry as part of its function's name (profiles name regions by where they start). */
function hexName(la: number): string {
  return la < 0 ? `n${(-la).toString(16)}` : la.toString(16);
}

type Factory = (K: typeof RUNTIME, GF: typeof GuestFault, H: Handler[], I: Insn[], A: number[], P: number[]) => RegionFn;

/** Compile a formed region living in physical page `ppn`, whose source (regionSource) is `src`. */
export function compileRegion(region: Region, ppn: number, src: string): CompiledRegion {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating code is the JIT's job
  const make = new Function('K', 'GF', 'H', 'I', 'A', 'P', `return function region_${hexName(region.la)}(cpu, left) {\n${src}\n};`) as Factory;
  const ins = region.insns;
  const run = make(RUNTIME, GuestFault, ins.map((r) => r.i.h), ins.map((r) => r.i), ins.map((r) => r.la), ins.map((r) => r.pos));
  return { la: region.la, run, ppn, bytes: src.length, insns: ins.length };
}
