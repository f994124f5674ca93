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
import { EmuSide, KvmSide, userState, type FpuState, type Stop } from './machine.ts';
import { templates, type BitCountSupport, type Template } from './templates.ts';
import { approxLanes, fpuDiffs, x87UlpOff, xmmText } from './fpu-compare.ts';
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
  /**
   * x87/MMX/SSE state to start from (x87-gen.ts, sse-templates.ts); when present it is
   * compared after every step (fpu-compare.ts). Integer cases leave the FPU alone.
   */
  fpu?: FpuState;
}

/** What a kind of case changes in the generator: its template mix, a starting FPU state, the data area. */
export interface CaseKind {
  /** default: templates(sup), the integer mix */
  mix?: [Template, number][];
  fpu?: (rng: Rng) => FpuState;
  /** default: random bytes */
  data?: (rng: Rng) => Uint8Array;
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
export function generateCase(seed: number, index: number, sup: BitCountSupport, units = 8, kind: CaseKind = {}): Case {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const ctx = new Ctx(rng);
  const mix = kind.mix ?? templates(sup);
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
  const code = sealCode(ctx, rng, index);
  const c: Case = { index, seed, ...code, data: randomBytes(rng, DATA_SIZE), stack: randomBytes(rng, USTACK_HI - USTACK_LO) };
  if (kind.fpu) c.fpu = kind.fpu(rng);
  if (kind.data) c.data = kind.data(rng);
  return c;
}

/**
 * Ends a generated case's code (the end marker, a UD2 that stops the case
 * even if stepping were lost), checks it, and draws the starting registers
 * (TF set: every instruction ends in a #DB). Shared by every generator.
 */
export function sealCode(ctx: Ctx, rng: Rng, index: number): Pick<Case, 'code' | 'insns' | 'end' | 'regs'> {
  ctx.beginUnit(); // the end marker
  const end = ctx.addr;
  ctx.emit([0x0f, 0x0b]);
  ctx.finish();
  if (ctx.code.length > CODE_MAX) throw new Error(`case ${index}: ${ctx.code.length} bytes of code`);
  selfCheck(ctx.insns);
  const regs: RegVec = [];
  for (let g = 0; g < 16; g++) regs.push(g === 4 ? BigInt(USTACK_TOP) : edgeValue(rng));
  regs.push(BigInt(CODE), BigInt(0x2 | IF | TF | (rng.u32() & ARITH)));
  return { code: ctx.code, insns: new Map(ctx.insns.map((g) => [g.addr, g])), end, regs };
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
  /** x87 transcendental results accepted one ulp from the hardware's (acceptUlp). */
  ulpAccepted = 0;
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
      this.kvm.setFpuState(c.fpu);
      this.emu.setFpuState(c.fpu);
    }
    tamper?.(this.emu);
    let pre = c.regs;
    let preFpu = c.fpu;
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
      if (hw.vector === 14 || em.vector === 14) {
        const a = this.kvm.cr2(), b = this.emu.cr2();
        if (a !== b) diffs.push(row('cr2', a, b));
      }
      let postFpu: FpuState | undefined;
      if (c.fpu && !hw.other) {
        postFpu = this.kvm.getFpuState();
        const emFpu = this.emu.getFpuState();
        if (insn?.approx && hw.vector === 1 && em.vector === 1) {
          // Approximations are checked against the SDM's bound, then the hardware's lanes are copied.
          const bad = approxLanes(postFpu.xmm, emFpu.xmm, insn.approx.reg, insn.approx.lanes);
          if (bad) diffs.push(row(`xmm${insn.approx.reg} approx`, bad, ''));
          this.emu.cpu.sse.x.u8.set(postFpu.xmm.subarray(16 * insn.approx.reg, 16 * insn.approx.reg + 16), 16 * insn.approx.reg);
          emFpu.xmm.set(postFpu.xmm.subarray(16 * insn.approx.reg, 16 * insn.approx.reg + 16), 16 * insn.approx.reg);
        }
        if (insn?.x87Approx && hw.vector === 1 && em.vector === 1) this.acceptUlp(postFpu, emFpu);
        diffs.push(...fpuDiffs(postFpu, emFpu).map(([name, a, b]) => row(name, a, b)));
      }
      if (hw.other) this.kvm.recreate();
      if (diffs.length) {
        const mnemonic = insn ? disasm(insn.bytes, insn.addr).split(' ')[0] : '?';
        const signature = `${mnemonic}: ${diffs.map((d) => (NAMES.indexOf(d.name) >= 0 && NAMES.indexOf(d.name) < 16 ? 'gpr' : d.name.replace(/^(mem)\[.*$/, '$1'))).join(',')}`;
        return { steps: step + 1, endVector: hw.vector, divergence: { case: c, step, signature, report: report(c, step, pre, insn, hw, em, undef, diffs, preFpu) } };
      }
      if (hw.vector !== 1) return { steps: step + 1, endVector: hw.vector };
      if (post[RIP_I] === BigInt(c.end)) return { steps: step + 1, endVector: 1 };
      pre = post;
      preFpu = postFpu;
    }
    return { steps: maxSteps, endVector: -1, divergence: { case: c, step: maxSteps, signature: 'no end', report: `case ${c.index}: no end after ${maxSteps} steps` } };
  }

  /**
   * An x87 transcendental whose result is one ulp from the hardware's (with
   * C1 to match): allowed by the SDM (Vol. 1 8.3.10); the hardware's register
   * and C1 are copied into the emulator (and its image) so the case goes on.
   */
  private acceptUlp(hw: FpuState, em: FpuState): void {
    const off = x87UlpOff(hw, em);
    if (!off) return;
    this.ulpAccepted += off.length;
    const x = this.emu.cpu.x87;
    x.fsw = (x.fsw & ~0x0200) | (hw.x87[3] << 8 & 0x0200);
    em.x87[3] = (em.x87[3] & ~0x02) | (hw.x87[3] & 0x02);
    for (const i of off) {
      const d = new DataView(hw.x87.buffer, hw.x87.byteOffset + 32 + 16 * i);
      x.setSt(i, d.getUint16(8, true), d.getUint32(4, true), d.getUint32(0, true));
      em.x87.set(hw.x87.subarray(32 + 16 * i, 42 + 16 * i), 32 + 16 * i);
    }
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

function report(c: Case, step: number, pre: RegVec, insn: GenInsn | undefined, hw: Stop, em: Stop, u: Undef, rows: Row[], fpu?: FpuState): string {
  const at = Number(pre[RIP_I]);
  const what = insn ? `${hex(insn.bytes)}   ${disasm(insn.bytes, insn.addr)}` : '(not an instruction start)';
  const lines = [
    `case ${c.index} (seed 0x${c.seed.toString(16)}; reproduce with DIFF_CASE=${c.index}), step ${step}, vector hw ${hw.vector} / emu ${em.vector}`,
    `  instruction at 0x${at.toString(16)}: ${what}`,
    `  undefined (masked): flags [${flagsText(BigInt(u.flags))}]${u.regs?.length ? ` regs ${u.regs.map((g) => NAMES[g]).join(',')}` : ''}`,
    `  before: ${NAMES.map((n, k) => `${n}=${fmt(pre[k], n)}`).join(' ')}`,
    ...(fpu ? [`  before: mxcsr=0x${fpu.mxcsr.toString(16)} ${Array.from({ length: 16 }, (_, r) => `xmm${r}=${xmmText(fpu.xmm.subarray(16 * r, 16 * r + 16))}`).join(' ')}`] : []),
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
