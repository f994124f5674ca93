/**
 * The 'xsave' family: the memory forms of 0F AE /0–/6 and 0F C7 /3–/5
 * (SDM Vol. 2 FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE, XRSTOR, XSAVEOPT,
 * XRSTORS, XSAVEC, XSAVES; Vol. 1 ch. 13). The register forms of 0F AE and
 * its /7 (fences, RD/WR FS/GS BASE, CLFLUSH) stay with exec/hint.ts; the
 * other 0F C7 forms (CMPXCHG8B/16B, RDRAND, RDSEED, RDPID) are not here.
 *
 * The area is built in a scratch buffer and reaches memory range by range,
 * only the bytes the instruction writes, after every range was probed: a
 * #PF/#GP leaves memory and registers as they were. Restores check every
 * #GP condition before any state changes. XSAVEOPT/XSAVES use the init
 * optimization (components not in use are not written) but not the
 * modified optimization, which the SDM leaves optional (§13.6).
 */
import type { Cpu } from '../cpu.ts';
import { hasFeature } from '../cpuid.ts';
import { GP, GuestFault, NM, UD } from '../fault.ts';
import {
  APX_BIT, APX_SIZE, APX_STD_OFFSET, HEADER_OFFSET, MXCSR_OFFSET, MXCSR_RESET, SSE_BIT, X87_BIT, XMM_END, XMM_OFFSET, XSTATE_SUPPORTED, YMM_BIT,
  compactedOffset, headerWord, imageMxcsr, initApx, initX87, initXmm, loadApx, loadX87, loadXmm, saveApx, saveMxcsr, saveX87,
  saveXmm, setHeaderWord, XC_APX, cpuComponents, xinuse,
} from '../fpu/xstate.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';
import { CR0_EM, CR0_TS, CR4_OSFXSR, CR4_OSXSAVE, RAX } from '../regs.ts';
import { mxcsrReservedFault } from '../sse/mxcsr.ts';
import { probeWrite } from './x87-gate.ts';

// CPUID bits the instructions depend on (SDM Vol. 2 CPUID).
const LEAF1_EDX_FXSR = 24, LEAF1_EDX_SSE = 25, LEAF1_ECX_XSAVE = 26;
const D1_EAX_XSAVEOPT = 0, D1_EAX_XSAVEC = 1, D1_EAX_XSAVES = 3;

const area = new Uint8Array(4096);
type Range = readonly [from: number, to: number];
const X87_RANGES: Range[] = [[0, MXCSR_OFFSET], [MXCSR_OFFSET + 8, XMM_OFFSET]];
const MXCSR_RANGE: Range = [MXCSR_OFFSET, MXCSR_OFFSET + 8];
const XMM_RANGE: Range = [XMM_OFFSET, XMM_END];

const components = cpuComponents;

function readRange(cpu: Cpu, la: number, [from, to]: Range): void {
  for (let k = from; k < to; k++) area[k] = cpu.mmu.read8(la + k);
}

/** Probe every range, then write them. */
function writeRanges(cpu: Cpu, la: number, ranges: readonly Range[]): void {
  for (const [from, to] of ranges) probeWrite(cpu, la + from, to - from);
  for (const [from, to] of ranges) for (let k = from; k < to; k++) cpu.mmu.write8(la + k, area[k]);
}

function requireFeature(cpu: Cpu, leaf: number, sub: number, reg: number, bit: number): void {
  if (!hasFeature(cpu.cpuid, leaf, sub, reg, bit)) throw new GuestFault(UD);
}

/** The operand's address, #GP(0) unless aligned to `align` bytes. */
function alignedAddress(cpu: Cpu, i: Insn, align: number): number {
  const la = ea(cpu, i);
  if (la % align !== 0) throw new GuestFault(GP, 0);
  return la;
}

// ---------------------------------------------------------------- FXSAVE / FXRSTOR

/** #UD without FXSR, #NM with CR0.TS or CR0.EM (SDM Vol. 2 FXSAVE). */
function fxEntry(cpu: Cpu, i: Insn): number {
  requireFeature(cpu, 1, 0, 3, LEAF1_EDX_FXSR);
  if (cpu.cr0 & (CR0_EM | CR0_TS)) throw new GuestFault(NM);
  return alignedAddress(cpu, i, 16);
}

const fxsave: Handler = (cpu, i) => {
  const la = fxEntry(cpu, i), x = components(cpu);
  saveX87(x, area, i.rexW);
  saveMxcsr(x, area);
  saveXmm(x, area);
  writeRanges(cpu, la, [[0, XMM_END]]);
};

const fxrstor: Handler = (cpu, i) => {
  const la = fxEntry(cpu, i), x = components(cpu);
  readRange(cpu, la, [0, XMM_END]);
  const mx = imageMxcsr(area);
  if (mxcsrReservedFault(mx)) throw new GuestFault(GP, 0);
  loadX87(x, area, i.rexW);
  cpu.sse.mxcsr = mx;
  loadXmm(x, area);
};

// ---------------------------------------------------------------- LDMXCSR / STMXCSR

/** #UD with CR0.EM, without CR4.OSFXSR or SSE; #NM with CR0.TS (SDM Vol. 2 LDMXCSR). */
function mxcsrEntry(cpu: Cpu, i: Insn): number {
  if (cpu.cr0 & CR0_EM || (cpu.cr4 & CR4_OSFXSR) === 0) throw new GuestFault(UD);
  requireFeature(cpu, 1, 0, 3, LEAF1_EDX_SSE);
  if (cpu.cr0 & CR0_TS) throw new GuestFault(NM);
  return ea(cpu, i);
}

const ldmxcsr: Handler = (cpu, i) => {
  const v = cpu.mmu.read32(mxcsrEntry(cpu, i)) >>> 0;
  if (mxcsrReservedFault(v)) throw new GuestFault(GP, 0);
  cpu.sse.mxcsr = v;
};

const stmxcsr: Handler = (cpu, i) => {
  cpu.mmu.write32(mxcsrEntry(cpu, i), cpu.sse.mxcsr);
};

// ---------------------------------------------------------------- XSAVE family

const XSAVE = 0, XSAVEOPT = 1, XSAVEC = 2, XSAVES = 3;

/**
 * Common entry: #UD without XSAVE or CR4.OSXSAVE (or the form's own CPUID
 * bit), #NM with CR0.TS, #GP(0) for XSAVES/XRSTORS above CPL 0, then the
 * 64-byte aligned address. Returns it; the RFBM is left in `rfbm`.
 */
let rfbm = 0;
function xEntry(cpu: Cpu, i: Insn, d1Bit: number, supervisor: boolean): number {
  requireFeature(cpu, 1, 0, 2, LEAF1_ECX_XSAVE);
  if ((cpu.cr4 & CR4_OSXSAVE) === 0) throw new GuestFault(UD);
  if (d1Bit >= 0) requireFeature(cpu, 0xd, 1, 0, d1Bit);
  if (cpu.cr0 & CR0_TS) throw new GuestFault(NM);
  if (supervisor && cpu.cpl !== 0) throw new GuestFault(GP, 0);
  const la = alignedAddress(cpu, i, 64);
  // XCR0 (| IA32_XSS, which is always 0 here: no supervisor components) AND EDX:EAX; all components are below bit 32.
  rfbm = (cpu.xcr0 & cpu.r[2 * RAX] & XSTATE_SUPPORTED) >>> 0;
  return la;
}

/** XSAVE, XSAVEOPT (standard format), XSAVEC, XSAVES (compacted). */
function xsaveForm(kind: number): Handler {
  const d1Bit = kind === XSAVEOPT ? D1_EAX_XSAVEOPT : kind === XSAVEC ? D1_EAX_XSAVEC : kind === XSAVES ? D1_EAX_XSAVES : -1;
  const compacted = kind === XSAVEC || kind === XSAVES;
  return (cpu, i) => {
    const la = xEntry(cpu, i, d1Bit, kind === XSAVES);
    const x = components(cpu), inuse = xinuse(x);
    // Standard XSAVE writes every requested component; the others only those in use (init optimization).
    const save = kind === XSAVE ? rfbm : rfbm & inuse;
    const ranges: Range[] = [];
    if (save & X87_BIT) {
      saveX87(x, area, i.rexW);
      ranges.push(...X87_RANGES);
    }
    // The standard form's XRSTOR loads MXCSR whenever RFBM[1] or RFBM[2]: so it is always saved then.
    if (compacted ? save & SSE_BIT : rfbm & (SSE_BIT | YMM_BIT)) {
      saveMxcsr(x, area);
      ranges.push(MXCSR_RANGE);
    }
    if (save & SSE_BIT) {
      saveXmm(x, area);
      ranges.push(XMM_RANGE);
    }
    if (save & APX_BIT) {
      const off = compacted ? compactedOffset(rfbm, XC_APX) : APX_STD_OFFSET;
      saveApx(x, area, off);
      ranges.push([off, off + APX_SIZE]);
    }
    if (compacted) {
      setHeaderWord(area, 0, inuse & rfbm, 0);
      setHeaderWord(area, 8, rfbm, 0x80000000);
      ranges.push([HEADER_OFFSET, HEADER_OFFSET + 16]);
    } else {
      readRange(cpu, la, [HEADER_OFFSET, HEADER_OFFSET + 8]);
      const [lo, hi] = headerWord(area, 0);
      setHeaderWord(area, 0, (lo & ~rfbm) | (inuse & rfbm), hi);
      ranges.push([HEADER_OFFSET, HEADER_OFFSET + 8]);
    }
    writeRanges(cpu, la, ranges);
  };
}

function gp(): never {
  throw new GuestFault(GP, 0);
}

/** XRSTOR (standard or compacted, by XCOMP_BV[63]) and XRSTORS (compacted only). */
function xrstorForm(supervisor: boolean): Handler {
  return (cpu, i) => {
    const la = xEntry(cpu, i, supervisor ? D1_EAX_XSAVES : -1, supervisor);
    readRange(cpu, la, [HEADER_OFFSET, HEADER_OFFSET + 64]);
    const [bv, bvHi] = headerWord(area, 0), [comp, compHi] = headerWord(area, 8);
    const compacted = (compHi & 0x80000000) !== 0;
    const enabled = cpu.xcr0 >>> 0; // | IA32_XSS (0)
    if (supervisor && !compacted) gp();
    if (compacted) {
      if (!supervisor && !hasFeature(cpu.cpuid, 0xd, 1, 0, D1_EAX_XSAVEC)) gp();
      if ((compHi & 0x7fffffff) !== 0 || (comp & ~enabled) !== 0) gp();
      if (bvHi !== 0 || (bv & ~comp) !== 0) gp();
      for (let k = 16; k < 64; k++) if (area[HEADER_OFFSET + k] !== 0) gp();
    } else {
      if (bvHi !== 0 || (bv & ~enabled) !== 0) gp();
      for (let k = 8; k < 24; k++) if (area[HEADER_OFFSET + k] !== 0) gp();
    }
    const load = rfbm & bv;
    // MXCSR: the standard form loads it whenever RFBM[1] or RFBM[2]; the compacted one with the SSE data (§13.8).
    const mxcsrFromImage = compacted ? (load & SSE_BIT) !== 0 : (rfbm & (SSE_BIT | YMM_BIT)) !== 0;
    let mx = MXCSR_RESET;
    if (mxcsrFromImage) {
      readRange(cpu, la, MXCSR_RANGE);
      mx = imageMxcsr(area);
      if (mxcsrReservedFault(mx)) gp();
    }
    if (load & X87_BIT) for (const r of X87_RANGES) readRange(cpu, la, r);
    if (load & SSE_BIT) readRange(cpu, la, XMM_RANGE);
    const apxOff = compacted ? compactedOffset(comp, XC_APX) : APX_STD_OFFSET;
    if (load & APX_BIT) readRange(cpu, la, [apxOff, apxOff + APX_SIZE]);
    // Nothing can fault any more: apply.
    const x = components(cpu);
    if (rfbm & X87_BIT) (load & X87_BIT ? loadX87(x, area, i.rexW) : initX87(x));
    if (rfbm & SSE_BIT) (load & SSE_BIT ? loadXmm(x, area) : initXmm(x));
    if (mxcsrFromImage || (compacted && rfbm & SSE_BIT)) cpu.sse.mxcsr = mx;
    if (rfbm & APX_BIT) (load & APX_BIT ? loadApx(x, area, apxOff) : initApx(x));
  };
}

const xsave = xsaveForm(XSAVE), xsaveopt = xsaveForm(XSAVEOPT), xsavec = xsaveForm(XSAVEC), xsaves = xsaveForm(XSAVES);
const xrstor = xrstorForm(false), xrstors = xrstorForm(true);

/** 0F AE /0–/6 and 0F C7 /3–/5, memory forms without a 66/F2/F3 prefix. */
export function bind(i: Insn): Handler | undefined {
  // NP forms (SDM Vol. 2 Table A-3 notes; 66 0F AE /6 is CLWB, not implemented).
  if (i.regForm || i.rep !== 0 || i.opsizePrefix) return undefined;
  if (i.op === 0xc7) {
    return i.digit === 3 ? xrstors : i.digit === 4 ? xsavec : i.digit === 5 ? xsaves : undefined;
  }
  if (i.op !== 0xae) return undefined;
  switch (i.digit) {
    case 0: return fxsave;
    case 1: return fxrstor;
    case 2: return ldmxcsr;
    case 3: return stmxcsr;
    case 4: return xsave;
    case 5: return xrstor;
    case 6: return xsaveopt;
    default: return undefined;
  }
}
