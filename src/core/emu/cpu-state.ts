/**
 * Moving architectural state between the emulated CPU and the backend-neutral
 * MachineState (kvm_regs / kvm_sregs shaped): what KVM_SET_REGS/SREGS and
 * KVM_GET_REGS/SREGS do on the emu backend, and how tests load the same
 * machine into both backends.
 */
import type { Cpu, CpuidLeaf } from '../../emu/cpu.ts';
import { cpuidKey } from '../../emu/cpuid.ts';
import { KVM_FPU_SIZE } from '../../emu/fpu/x87-save.ts';
import { getFpu, setFpu } from './fpu.ts';
import { KVM_CPUID_FLAG_SIGNIFCANT_INDEX, type CpuidEntry } from '../uapi/fam.ts';
import { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../../emu/insn.ts';
import { gpr, type Gpr } from '../../emu/regs.ts';
import type { Segment as EmuSegment } from '../../emu/segments.ts';
import { REG_NAMES, type MachineState, type Regs, type Segment, type SRegs } from '../boot/state.ts';

/** kvm_regs field → GPR index (kvm_regs order differs from the x86 encoding order, uapi.md §1.5). */
export const KVM_REGS_GPR: Readonly<Record<Exclude<keyof Regs, 'rip' | 'rflags'>, Gpr>> = {
  rax: gpr(0), rcx: gpr(1), rdx: gpr(2), rbx: gpr(3), rsp: gpr(4), rbp: gpr(5), rsi: gpr(6), rdi: gpr(7),
  r8: gpr(8), r9: gpr(9), r10: gpr(10), r11: gpr(11), r12: gpr(12), r13: gpr(13), r14: gpr(14), r15: gpr(15),
};

const SEG_INDEX = { es: SEG_ES, cs: SEG_CS, ss: SEG_SS, ds: SEG_DS, fs: SEG_FS, gs: SEG_GS } as const;

function toSigned(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}
function toU64(v: number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}

export function getRegs(cpu: Cpu): Regs {
  const out = {} as Regs;
  for (const name of REG_NAMES) {
    if (name === 'rip') out.rip = cpu.getRip();
    else if (name === 'rflags') out.rflags = BigInt(cpu.readRflags());
    else out[name] = cpu.getGpr(KVM_REGS_GPR[name]);
  }
  return out;
}

export function setRegs(cpu: Cpu, regs: Regs): void {
  for (const name of REG_NAMES) {
    if (name === 'rip') cpu.setRip(regs.rip);
    else if (name === 'rflags') cpu.writeRflags(Number(BigInt.asUintN(32, regs.rflags)));
    else cpu.setGpr(KVM_REGS_GPR[name], regs[name]);
  }
}

function segmentOut(s: EmuSegment): Segment {
  return {
    base: toU64(s.base), limit: s.limit >>> 0, selector: s.selector, type: s.type, present: s.present,
    dpl: s.dpl, db: s.db, s: s.s, l: s.l, g: s.g, avl: s.avl, unusable: s.unusable,
  };
}

function segmentIn(d: EmuSegment, s: Segment): void {
  d.base = toSigned(s.base);
  d.limit = s.limit >>> 0;
  d.selector = s.selector;
  d.type = s.type;
  d.present = s.present;
  d.dpl = s.dpl;
  d.db = s.db;
  d.s = s.s;
  d.l = s.l;
  d.g = s.g;
  d.avl = s.avl;
  d.unusable = s.unusable;
}

export function getSregs(cpu: Cpu): SRegs {
  const seg = (k: keyof typeof SEG_INDEX) => segmentOut(cpu.seg[SEG_INDEX[k]]);
  return {
    cs: seg('cs'), ds: seg('ds'), es: seg('es'), fs: seg('fs'), gs: seg('gs'), ss: seg('ss'),
    tr: segmentOut(cpu.tr), ldt: segmentOut(cpu.ldtr),
    gdt: { base: toU64(cpu.gdtr.base), limit: cpu.gdtr.limit },
    idt: { base: toU64(cpu.idtr.base), limit: cpu.idtr.limit },
    cr0: BigInt(cpu.cr0 >>> 0), cr2: toU64(cpu.cr2), cr3: BigInt(cpu.cr3), cr4: BigInt(cpu.cr4 >>> 0),
    cr8: BigInt(cpu.readCr8()), efer: BigInt(cpu.efer >>> 0),
  };
}

export function setSregs(cpu: Cpu, s: SRegs): void {
  for (const k of Object.keys(SEG_INDEX) as (keyof typeof SEG_INDEX)[]) segmentIn(cpu.seg[SEG_INDEX[k]], s[k]);
  segmentIn(cpu.tr, s.tr);
  segmentIn(cpu.ldtr, s.ldt);
  cpu.gdtr.base = toSigned(s.gdt.base);
  cpu.gdtr.limit = s.gdt.limit;
  cpu.idtr.base = toSigned(s.idt.base);
  cpu.idtr.limit = s.idt.limit;
  cpu.cr0 = Number(s.cr0 & 0xffffffffn);
  cpu.cr2 = toSigned(s.cr2);
  cpu.cr3 = Number(s.cr3);
  cpu.cr4 = Number(s.cr4 & 0xffffffffn);
  cpu.writeCr8(Number(s.cr8 & 0xfn));
  cpu.efer = Number(s.efer & 0xffffffffn);
  cpu.syncMode();
}

export function loadMachineState(cpu: Cpu, st: MachineState): void {
  setSregs(cpu, st.sregs);
  setRegs(cpu, st.regs);
  if (st.fpu) setFpu(cpu, st.fpu);
}

/** The CPU's state, x87/XMM included (struct kvm_fpu, as KVM_GET_FPU). */
export function readMachineState(cpu: Cpu): MachineState {
  const fpu = new Uint8Array(KVM_FPU_SIZE);
  getFpu(cpu, fpu);
  return { regs: getRegs(cpu), sregs: getSregs(cpu), fpu };
}

/** Converts KVM-style CPUID entries into the emulator's leaf map. */
export function cpuidMap(entries: readonly CpuidEntry[]): Map<string, CpuidLeaf> {
  const m = new Map<string, CpuidLeaf>();
  for (const e of entries) {
    const sub = (e.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) !== 0 ? e.index : 0;
    m.set(cpuidKey(e.function, sub), [e.eax | 0, e.ebx | 0, e.ecx | 0, e.edx | 0]);
  }
  return m;
}
