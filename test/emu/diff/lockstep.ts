/**
 * Lockstep comparison of one case on the real CPU (KVM) and the emulator:
 * after every instruction, all 16 GPRs, RIP, RFLAGS (the SDM-defined flags of
 * the instruction just executed), the exception vector and frame (error code,
 * RIP, CS, RFLAGS, RSP, SS) and the memory the case may touch (data area,
 * user and kernel stacks). Flags and registers the SDM leaves undefined are
 * masked in the comparison and then copied from the hardware into the
 * emulator, so later instructions that read them stay comparable.
 */
import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from 'iced-x86';
import { cpuidLeaf } from '../../../src/emu/cpuid.ts';
import type { MachineState } from '../../../src/core/boot/state.ts';
import { Ctx, hex, RFL_I, RIP_I, Rng, selfCheck, edgeValue, type GenInsn, type RegVec, type Undef } from './gen.ts';
import { EmuSide, KvmSide, userState, type Stop } from './machine.ts';
import { templates, type BitCountSupport } from './templates.ts';
import { fpuDiffs } from './x87-compare.ts';
import {
  ARITH, CODE, CODE_MAX, COMPARED_RANGES, DATA, DATA_SIZE, ERROR_CODE_VECTORS, IF, KSTACK_HI, KSTACK_LO, TF, USTACK_HI, USTACK_LO, USTACK_TOP,
} from './layout.ts';

export interface Case {
  index: number;
  seed: number;
  code: number[];
  insns: Map<number, GenInsn>;
  /** address after the last unit (a UD2 sits there) */
  end: number;
  regs: RegVec;
  data: Uint8Array;
  stack: Uint8Array;
  /** x87/SSE state to start from (struct kvm_fpu); then it is compared after every step (x87-gen.ts). */
  fpu?: Uint8Array;
}

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'rflags'];
const FRAME_NAMES = ['rip', 'cs', 'rflags', 'rsp', 'ss'];

function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const w = new Uint32Array(out.buffer);
  for (let k = 0; k < w.length; k++) w[k] = rng.u32();
  return out;
}

/** Case `index` of the run with `seed`: independent of the others, so one case reproduces alone. */
export function generateCase(seed: number, index: number, sup: BitCountSupport, units = 8, mix: [(ctx: Ctx) => void, number][] = templates(sup)): Case {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const ctx = new Ctx(rng);
  const total = mix.reduce((s, [, w]) => s + w, 0);
  for (let u = 0; u < units; u++) {
    ctx.beginUnit();
    let x = rng.int(total);
    for (const [t, w] of mix) {
      if ((x -= w) < 0) {
        t(ctx);
        break;
      }
    }
  }
  ctx.beginUnit(); // the end marker
  const end = ctx.addr;
  ctx.emit([0x0f, 0x0b]); // ud2: stops the case even if stepping were lost
  ctx.finish();
  if (ctx.code.length > CODE_MAX) throw new Error(`case ${index}: ${ctx.code.length} bytes of code`);
  selfCheck(ctx.insns);
  const regs: RegVec = [];
  for (let g = 0; g < 16; g++) regs.push(g === 4 ? BigInt(USTACK_TOP) : edgeValue(rng));
  regs.push(BigInt(CODE), BigInt(0x2 | IF | TF | (rng.u32() & ARITH)));
  const c: Case = {
    index, seed, code: ctx.code, insns: new Map(ctx.insns.map((g) => [g.addr, g])), end, regs,
    data: randomBytes(rng, DATA_SIZE), stack: randomBytes(rng, USTACK_HI - USTACK_LO),
  };
  if (kind) {
    c.sse = kind.sse(rng);
    c.data = kind.data(rng);
  }
  return c;
}

export interface Divergence {
  case: Case;
  step: number;
  /** mnemonic and differing fields, to group reports (e.g. "cmpxchg: r12") */
  signature: string;
  report: string;
}

export interface CaseResult {
  steps: number;
  divergence?: Divergence;
  /** the vector that ended the case (1 = ran to the end) */
  endVector: number;
  /** a known kvm_pvm deviation ended the case (the emulator was checked against the SDM instead) */
  deviation?: string;
}

/** Both machines, built once and reused for every case. */
export class Lockstep {
  constructor(
    readonly kvm: KvmSide,
    readonly emu: EmuSide,
    readonly base: MachineState,
  ) {}

  private loadMemory(ram: Uint8Array, c: Case): void {
    ram.fill(0, CODE, CODE + CODE_MAX);
    ram.set(c.code, CODE);
    ram.set(c.data, DATA);
    ram.set(c.stack, USTACK_LO);
    ram.fill(0, KSTACK_LO, KSTACK_HI);
  }

  /** `tamper` changes the emulator after loading (the harness's own test: a planted difference must be found). */
  run(c: Case, maxSteps = 400, tamper?: (emu: EmuSide) => void): CaseResult {
    const st = userState(this.base, c.regs);
    this.loadMemory(this.kvm.ram, c);
    this.loadMemory(this.emu.ram, c);
    this.kvm.load(st);
    this.emu.load(st);
    if (c.fpu) {
      this.kvm.setFpu(c.fpu);
      this.emu.setFpu(c.fpu);
    }
    tamper?.(this.emu);
    let pre = c.regs;
    let preSse = c.sse;
    for (let step = 0; step < maxSteps; step++) {
      const hw = this.kvm.step();
      const em = this.emu.step();
      const insn = c.insns.get(Number(pre[RIP_I]));
      const post = userView(hw);
      const undef: Undef = hw.vector === 1 && insn?.undef ? insn.undef(pre, post) : { flags: 0 };
      // kvm_pvm: a misaligned m128 of an aligned SSE form reaches the guest as #UD, not the #GP(0) of
      // the SDM (Vol. 2 §2.4, exceptions type 1/2/4): check the emulator's #GP(0) at the instruction instead.
      if (insn?.misaligned && hw.vector === 6 && em.vector === 13 && em.frame[0] === 0n && em.frame[1] === pre[RIP_I]) {
        return { steps: step + 1, endVector: 13, deviation: 'misaligned m128 operand of an aligned SSE form: #UD on kvm_pvm, #GP(0) per the SDM (emulator)' };
      }
      const diffs = compare(hw, em, undef);
      // The frame's undefined flags are copied before memory is compared (the frame is in memory).
      if (!diffs.length && hw.vector === 1) this.fixUndefined(em, hw, undef);
      if (c.fpu) this.mirrorPointerLoss();
      diffs.push(...compareMemory(this.kvm.ram, this.emu.ram));
      if (c.fpu) diffs.push(...compareFpu(this.kvm.getFpu(), this.emu.getFpu()));
      if (hw.vector === 14 || em.vector === 14) {
        const a = this.kvm.cr2(), b = this.emu.cr2();
        if (a !== b) diffs.push(row('cr2', a, b));
      }
      let postSse: SseView | undefined;
      if (c.sse && !hw.other) {
        postSse = this.kvm.getSse();
        const emSse = this.emu.getSse();
        if (insn?.approx && hw.vector === 1 && em.vector === 1) {
          const bad = approxLanes(postSse.xmm, emSse.xmm, insn.approx.reg, insn.approx.lanes);
          if (bad) diffs.push(row(`xmm${insn.approx.reg} approx`, bad, ''));
          this.emu.cpu.sse.x.u8.set(postSse.xmm.subarray(16 * insn.approx.reg, 16 * insn.approx.reg + 16), 16 * insn.approx.reg);
          emSse.xmm.set(postSse.xmm.subarray(16 * insn.approx.reg, 16 * insn.approx.reg + 16), 16 * insn.approx.reg);
        }
        diffs.push(...compareSse(postSse, emSse));
      }
      if (hw.other) this.kvm.recreate();
      if (diffs.length) {
        const mnemonic = insn ? disasm(insn.bytes, insn.addr).split(' ')[0] : '?';
        const signature = `${mnemonic}: ${diffs.map((d) => (NAMES.indexOf(d.name) >= 0 && NAMES.indexOf(d.name) < 16 ? 'gpr' : d.name.replace(/^(mem)\[.*$/, '$1'))).join(',')}`;
        return { steps: step + 1, endVector: hw.vector, divergence: { case: c, step, signature, report: report(c, step, pre, insn, hw, em, undef, diffs, preSse) } };
      }
      if (hw.vector !== 1) return { steps: step + 1, endVector: hw.vector };
      if (post[RIP_I] === BigInt(c.end)) return { steps: step + 1, endVector: 1 };
      pre = post;
      preSse = postSse;
    }
    return { steps: maxSteps, endVector: -1, divergence: { case: c, step: maxSteps, signature: 'no end', report: `case ${c.index}: no end after ${maxSteps} steps` } };
  }

  /**
   * Each step is a VM exit and entry, i.e. an XSAVES/XRSTORS of the x87 state
   * by the host kernel; on this (AMD) host that loses FOP/FIP/FDP whenever no
   * exception is pending (FSW.ES = 0). The emulator has no such exits, so the
   * loss is mirrored into it: without it, a later FNSTENV/FNSAVE (after an
   * FLDCW that unmasks a flagged exception) would store pointers the stepped
   * hardware no longer has, although native code would see them.
   */
  private mirrorPointerLoss(): void {
    const s = this.emu.cpu.x87;
    if (!s.mfPending()) s.noteInstruction(0, 0, 0, 0, 0);
  }

  /** Copies the hardware's values of undefined flags (into the frame IRETQ reloads) and registers. */
  private fixUndefined(em: Stop, hw: Stop, u: Undef): void {
    if (u.flags) {
      const dv = new DataView(this.emu.ram.buffer, this.emu.ram.byteOffset);
      const at = Number(em.regs[4]) + 16;
      const v = (em.frame[2] & ~BigInt(u.flags)) | (hw.frame[2] & BigInt(u.flags));
      dv.setBigUint64(at, v, true);
    }
    for (const g of u.regs ?? []) this.emu.cpu.setGpr(g as never, hw.regs[g]);
  }
}

/** The user-mode state after a #DB stop: GPRs, RSP/RIP/RFLAGS from the frame. */
function userView(s: Stop): RegVec {
  const v = s.regs.slice();
  if (s.vector === 1 && s.frame.length === 5) {
    v[4] = s.frame[3];
    v[RIP_I] = s.frame[0];
    v[RFL_I] = s.frame[2];
  }
  return v;
}

interface Row {
  name: string;
  hw: bigint | string;
  emu: bigint | string;
}
function row(name: string, hw: bigint | string, emu: bigint | string): Row {
  return { name, hw, emu };
}

function compare(hw: Stop, em: Stop, u: Undef): Row[] {
  const rows: Row[] = [];
  if (hw.vector !== em.vector || hw.other !== em.other) {
    rows.push(row('stop', hw.other ?? `vector ${hw.vector}`, em.other ?? `vector ${em.vector}`));
    return rows;
  }
  const skip = new Set(u.regs ?? []);
  const fm = ~BigInt(u.flags);
  for (let k = 0; k < 18; k++) {
    if (skip.has(k)) continue;
    const m = k === RFL_I ? fm : -1n;
    if ((hw.regs[k] & m) !== (em.regs[k] & m)) rows.push(row(NAMES[k], hw.regs[k], em.regs[k]));
  }
  const ec = ERROR_CODE_VECTORS.has(hw.vector) ? 1 : 0;
  for (let k = 0; k < hw.frame.length; k++) {
    const m = k === ec + 2 ? fm : -1n;
    if ((hw.frame[k] & m) !== (em.frame[k] & m)) rows.push(row(ec && k === 0 ? 'frame.error_code' : `frame.${FRAME_NAMES[k - ec]}`, hw.frame[k], em.frame[k]));
  }
  return rows;
}

function compareSse(hw: SseView, em: SseView): Row[] {
  const rows: Row[] = [];
  if (hw.mxcsr !== em.mxcsr) rows.push(row('mxcsr', BigInt(hw.mxcsr), BigInt(em.mxcsr)));
  const a = x87Compared(hw.x87), b = x87Compared(em.x87);
  if (!Buffer.from(a.subarray(0, 5)).equals(Buffer.from(b.subarray(0, 5)))) rows.push(row('fcw.fsw.ftw', hex([...a.subarray(0, 5)]), hex([...b.subarray(0, 5)])));
  for (let i = 0; i < 8; i++) {
    const o = 32 + 16 * i, p = a.subarray(o, o + 10), q = b.subarray(o, o + 10);
    if (!Buffer.from(p).equals(Buffer.from(q))) rows.push(row(`st${i}/mm`, hex([...p].reverse()), hex([...q].reverse())));
  }
  for (let r = 0; r < 16; r++) {
    const a = hw.xmm.subarray(16 * r, 16 * r + 16), b = em.xmm.subarray(16 * r, 16 * r + 16);
    if (!Buffer.from(a).equals(Buffer.from(b))) rows.push(row(`xmm${r}`, xmmText(a), xmmText(b)));
  }
  return rows;
}

/**
 * RCPPS/RCPSS/RSQRTPS/RSQRTSS lanes: each within the SDM's bound of the other
 * (both within 1.5·2^-12 of the exact value, so 3·2^-12 apart at most), or
 * bit-equal (specials), or 0 against the smallest normal of the same sign (the
 * flush threshold, docs/sse.md "Not bit-exact"). Returns a description of the
 * first lane out of bound, or ''.
 */
function approxLanes(hw: Uint8Array, em: Uint8Array, reg: number, lanes: number): string {
  const a = new DataView(hw.buffer, hw.byteOffset), b = new DataView(em.buffer, em.byteOffset);
  for (let k = 0; k < lanes; k++) {
    const o = 16 * reg + 4 * k, x = a.getUint32(o, true), y = b.getUint32(o, true);
    if (x === y) continue;
    const fx = a.getFloat32(o, true), fy = b.getFloat32(o, true);
    const tiny = (u: number) => (u & 0x7fffffff) === 0 || (u & 0x7fffffff) === 0x00800000;
    if ((x ^ y) >>> 31 === 0 && tiny(x) && tiny(y)) continue;
    if (Number.isFinite(fx) && Number.isFinite(fy) && fx !== 0 && Math.abs(fx - fy) <= 3 * 2 ** -12 * Math.abs(fx)) continue;
    return `lane ${k}: hw 0x${x.toString(16)} emu 0x${y.toString(16)}`;
  }
  return '';
}

/** An XMM register as its two qwords, high first (how gdb and the SDM draw it). */
function xmmText(b: Uint8Array): string {
  const q = (o: number) => [...b.subarray(o, o + 8)].reverse().map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${q(8)}_${q(0)}`;
}

function compareMemory(a: Uint8Array, b: Uint8Array): Row[] {
  const rows: Row[] = [];
  for (const [lo, hi] of COMPARED_RANGES) {
    if (Buffer.from(a.buffer, a.byteOffset + lo, hi - lo).equals(Buffer.from(b.buffer, b.byteOffset + lo, hi - lo))) continue;
    for (let p = lo; p < hi && rows.length < 8; p++) {
      if (a[p] === b[p]) continue;
      const q = p & ~7;
      rows.push(row(`mem[0x${q.toString(16)}]`, `${hex([...a.subarray(q, q + 8)])}`, `${hex([...b.subarray(q, q + 8)])}`));
      p = q + 7;
    }
  }
  return rows;
}

/**
 * struct kvm_fpu field by field (x87-compare.ts): ST(0)–ST(7) in stack order,
 * FCW, FSW, the abridged tags, FOP/FIP/FDP and XMM0–15.
 */
function compareFpu(a: Uint8Array, b: Uint8Array): Row[] {
  return fpuDiffs(a, b).map(([name, hw, emu]) => row(name, hw, emu));
}

const FLAG_NAMES: [number, string][] = [[0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x100, 'TF'], [0x200, 'IF'], [0x400, 'DF'], [0x800, 'OF'], [0x10000, 'RF'], [0x200000, 'ID']];
function flagsText(v: bigint): string {
  return FLAG_NAMES.filter(([b]) => (v & BigInt(b)) !== 0n).map(([, n]) => n).join(' ');
}
function fmt(v: bigint | string, name: string): string {
  if (typeof v === 'string') return v;
  const h = `0x${v.toString(16)}`;
  return name.endsWith('rflags') ? `${h} [${flagsText(v)}]` : h;
}

/** Intel-syntax disassembly of one instruction (iced-x86). */
export function disasm(bytes: readonly number[], addr: number): string {
  const d = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  d.ip = BigInt(addr);
  const i = d.decode();
  const f = new Formatter(FormatterSyntax.Intel);
  const s = f.format(i);
  f.free();
  i.free();
  d.free();
  return s;
}

export function listing(c: Case): string {
  return [...c.insns.values()].map((g) => `    ${g.addr.toString(16)}: ${hex(g.bytes).padEnd(45)} ${disasm(g.bytes, g.addr)}`).join('\n');
}

function report(c: Case, step: number, pre: RegVec, insn: GenInsn | undefined, hw: Stop, em: Stop, u: Undef, rows: Row[], sse?: SseView): string {
  const at = Number(pre[RIP_I]);
  const what = insn ? `${hex(insn.bytes)}   ${disasm(insn.bytes, insn.addr)}` : '(not an instruction start)';
  const lines = [
    `case ${c.index} (seed 0x${c.seed.toString(16)}; reproduce with DIFF_CASE=${c.index}), step ${step}, vector hw ${hw.vector} / emu ${em.vector}`,
    `  instruction at 0x${at.toString(16)}: ${what}`,
    `  undefined (masked): flags [${flagsText(BigInt(u.flags))}]${u.regs?.length ? ` regs ${u.regs.map((g) => NAMES[g]).join(',')}` : ''}`,
    `  before: ${NAMES.map((n, k) => `${n}=${fmt(pre[k], n)}`).join(' ')}`,
    ...(sse ? [`  before: mxcsr=0x${sse.mxcsr.toString(16)} ${Array.from({ length: 16 }, (_, r) => `xmm${r}=${xmmText(sse.xmm.subarray(16 * r, 16 * r + 16))}`).join(' ')}`] : []),
    `  ${'field'.padEnd(18)} ${'hardware'.padEnd(40)} emulator`,
    ...rows.map((r) => `  ${r.name.padEnd(18)} ${fmt(r.hw, r.name).padEnd(40)} ${fmt(r.emu, r.name)}`),
    '  case:',
    listing(c),
  ];
  return lines.join('\n');
}

/** What the emulator's CPUID advertises for the bit-count instructions (printed next to what it runs). */
export function emuCpuidSupport(lockstep: Lockstep): BitCountSupport {
  const m = lockstep.emu.cpu.cpuid;
  return {
    popcnt: ((cpuidLeaf(m, 1)[2] >>> 23) & 1) === 1,
    lzcnt: ((cpuidLeaf(m, 0x80000001)[2] >>> 5) & 1) === 1,
    tzcnt: ((cpuidLeaf(m, 7)[1] >>> 3) & 1) === 1,
  };
}

/**
 * What a side really executes at CPL 3 (on the hardware: natively under
 * kvm_pvm, whatever KVM_GET_SUPPORTED_CPUID says): LZCNT(1) = 63 (BSR would
 * give 0), TZCNT(0) = 64 (BSF leaves the destination), POPCNT(1) = 1 (else #UD).
 */
export function probeSupport(lockstep: Lockstep, side: KvmSide | EmuSide): BitCountSupport {
  const code = [
    0x48, 0xc7, 0xc3, 0x01, 0x00, 0x00, 0x00, // mov rbx, 1
    0xf3, 0x48, 0x0f, 0xbd, 0xc3, //             lzcnt rax, rbx
    0x31, 0xd2, //                               xor edx, edx
    0xf3, 0x48, 0x0f, 0xbc, 0xca, //             tzcnt rcx, rdx
    0xf3, 0x48, 0x0f, 0xb8, 0xf3, //             popcnt rsi, rbx
    0xf4, //                                     hlt (CPL 3: #GP)
  ];
  const regs: RegVec = Array.from({ length: 16 }, (_, g) => (g === 4 ? BigInt(USTACK_TOP) : 5n));
  regs.push(BigInt(CODE), BigInt(0x2 | IF));
  side.ram.fill(0, CODE, CODE + CODE_MAX);
  side.ram.set(code, CODE);
  side.load(userState(lockstep.base, regs));
  // Without TF the run goes to the #GP of the HLT, or stops early at a #UD.
  const s = side.step();
  return { lzcnt: s.regs[0] === 63n, tzcnt: s.regs[1] === 64n, popcnt: s.vector === 13 && s.regs[6] === 1n };
}

/** What a run of many cases found (runCases). */
export interface CasesOutcome {
  cases: number;
  steps: number;
  divergent: number;
  /** cases ended by a known kvm_pvm deviation */
  deviations: number;
  /** "end:n #13:n …": how the cases ended */
  ends: string;
  seconds: number;
  /** the divergences by kind with one full report per kind (at most `maxReports`), '' when none */
  failure: string;
}

/**
 * Run cases first … last−1 (made by `make`) in lockstep and group the
 * divergences by signature. `log` sees each case's listing when `verbose`
 * and the first deviation.
 */
export function runCases(ls: Lockstep, first: number, last: number, make: (k: number) => Case, log: (s: string) => void, verbose = false, maxReports = 12): CasesOutcome {
  const t0 = performance.now();
  const reports: string[] = [];
  let divergent = 0, steps = 0, cases = 0, deviations = 0;
  const ends = new Map<number, number>();
  /** divergence signature → case numbers; one full report per signature */
  const groups = new Map<string, number[]>();
  for (let k = first; k < last; k++) {
    const c = make(k);
    if (verbose) log(`case ${k}:\n${listing(c)}`);
    const r = ls.run(c);
    cases++;
    steps += r.steps;
    ends.set(r.endVector, (ends.get(r.endVector) ?? 0) + 1);
    if (r.deviation && deviations++ === 0) log(`[pvm deviation] case ${k}: ${r.deviation}`);
    if (r.divergence) {
      divergent++;
      const sig = r.divergence.signature;
      const g = groups.get(sig);
      if (g) g.push(k);
      else {
        groups.set(sig, [k]);
        if (reports.length < maxReports) reports.push(r.divergence.report);
      }
    }
  }
  const endText = [...ends].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v === 1 ? 'end' : `#${v}`}:${n}`).join(' ');
  const summary = [...groups].map(([sig, ks]) => `  ${ks.length} × ${sig} (cases ${ks.slice(0, 8).join(', ')}${ks.length > 8 ? ', …' : ''})`).join('\n');
  const failure = divergent ? `${divergent} divergent cases, by kind:\n${summary}\n\nOne report per kind:\n\n${reports.join('\n\n')}` : '';
  return { cases, steps, divergent, deviations, ends: endText, seconds: (performance.now() - t0) / 1000, failure };
}
