/**
 * The two machines of the differential test, built from one image: a KVM
 * vCPU (the real CPU; under kvm_pvm, CPL 3 code runs natively) and an
 * emulated Cpu (src/emu). Both are created once and reloaded per case.
 *
 * Stepping: the case runs at CPL 3 with RFLAGS.TF = 1, so after every
 * instruction (every iteration of a REP string instruction) the CPU delivers
 * #DB through the IDT to a ring-0 handler "hlt; iretq". The HLT ends the
 * KVM_RUN (no irqchip: KVM_EXIT_HLT) and the emulator's run (HLT exiting);
 * at that point both machines hold the user GPRs, the kernel RSP and the
 * interrupt frame (RIP, CS, RFLAGS, RSP, SS) on the ring-0 stack. Resuming
 * runs the IRETQ back to the next user instruction. KVM_SET_GUEST_DEBUG's
 * single-step is not used: under kvm_pvm it does not intercept the #DB at
 * CPL 3 (the guest gets it and, without an IDT, shuts down).
 *
 * Any other exception reaches its own handler (vector v at HANDLERS + 16·v)
 * and ends the case there, with its frame and error code compared.
 */
import { BOOT_IDT_ADDR, bootSegments, buildLongMode, SEL_KERNEL_CODE } from '../../../src/core/boot/longmode.ts';
import type { MachineState } from '../../../src/core/boot/state.ts';
import { createEmuCpu } from '../../support/run-on-emu.ts';
import type { Kvm, VcpuFd, VmFd } from '../../../src/core/api/index.ts';
import { KvmSystem } from '../../../src/core/kvm/device.ts';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_HLT, EXIT_NAMES } from '../../../src/emu/exits.ts';
import { loadMachineState, getSregs } from '../../../src/core/emu/cpu-state.ts';
import type { KvmRegs } from '../../../src/core/uapi/structs.ts';
import { XSAVE_HEADER, XSAVE_MXCSR } from '../../../src/core/uapi/xsave.ts';
import { RFL_I, RIP_I, type RegVec } from './gen.ts';
import { CODE, CODE_MAX, ERROR_CODE_VECTORS, HANDLER_STRIDE, HANDLERS, MEM_SIZE } from './layout.ts';

/**
 * The x87/MMX/SSE state a case starts from and compares after every step: XMM0–15 (256 bytes),
 * MXCSR and the x87 registers. Both sides load and read it through the XSAVE legacy region
 * (KVM_GET/SET_XSAVE on the hardware): struct kvm_fpu cannot carry MXCSR (KVM copies its mxcsr
 * field neither way, src/core/emu/fpu.ts), and it is the only other way in.
 */
export interface FpuState {
  xmm: Uint8Array;
  mxcsr: number;
  /**
   * The x87/MMX state in the FXSAVE layout (SDM Vol. 1 Table 10-2): FCW (0), FSW (2, with TOP),
   * the abridged tag byte (4) and ST0–ST7 = MM0–MM7 at 32 + 16·i (10 bytes each); other bytes 0.
   */
  x87: Uint8Array;
}

/** The compared bytes of the x87 region: FCW, FSW, abridged FTW, and the 10 bytes of each ST(i). */
function x87Compared(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(160);
  out.set(b.subarray(0, 5));
  for (let k = 0; k < 8; k++) out.set(b.subarray(32 + 16 * k, 42 + 16 * k), 32 + 16 * k);
  return out;
}

const XSAVE_XMM = 160;

/** kvm_regs field order → GPR encoding index. */
const KVM_ORDER = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

/** One stop of a machine: at a handler's HLT (vector ≥ 0) or some other end. */
export interface Stop {
  /** exception vector whose handler was reached, or -1 */
  vector: number;
  regs: RegVec;
  /** error code (for vectors that push one), then RIP, CS, RFLAGS, RSP, SS */
  frame: bigint[];
  /** how the run ended when not at a handler (shutdown, internal error…) */
  other?: string;
}

export function regsToVec(r: KvmRegs): RegVec {
  const v = KVM_ORDER.map((k) => r[k]);
  v.push(r.rip, r.rflags);
  return v;
}

function vecToRegs(v: RegVec): KvmRegs {
  const r = {} as Record<string, bigint>;
  KVM_ORDER.forEach((k, i) => (r[k] = v[i]));
  r.rip = v[RIP_I];
  r.rflags = v[RFL_I];
  return r as unknown as KvmRegs;
}

/** An IDT interrupt gate (SDM Vol. 3 §6.14.1) to `target` in the kernel code segment. */
export function writeGate(mem: Uint8Array, vector: number, target: number, dpl = 0, ist = 0): void {
  const dv = new DataView(mem.buffer, mem.byteOffset);
  const a = BOOT_IDT_ADDR + 16 * vector;
  dv.setUint16(a, target & 0xffff, true);
  dv.setUint16(a + 2, SEL_KERNEL_CODE, true);
  dv.setUint8(a + 4, ist);
  dv.setUint8(a + 5, 0x8e | (dpl << 5));
  dv.setUint16(a + 6, (target >>> 16) & 0xffff, true);
  dv.setUint32(a + 8, 0, true);
  dv.setUint32(a + 12, 0, true);
}

/** The base image: boot tables with U/S, every vector 0–255 to its "hlt; iretq" stub. */
export function baseImage(): { memory: Uint8Array; state: MachineState } {
  const { memory, state } = buildLongMode({ memSize: MEM_SIZE, user: true });
  for (let v = 0; v < 256; v++) {
    const h = HANDLERS + HANDLER_STRIDE * v;
    writeGate(memory, v, h);
    memory.set([0xf4, 0x48, 0xcf], h); // hlt; iretq
  }
  return { memory, state };
}

/** A MachineState at CPL 3: user CS/SS/DS/ES/FS/GS, the given registers. */
export function userState(base: MachineState, regs: RegVec): MachineState {
  const seg = bootSegments();
  const s = { ...base.sregs, cs: seg.userCode, ss: seg.userData };
  for (const k of ['ds', 'es', 'fs', 'gs'] as const) s[k] = { ...seg.userData };
  return { regs: vecToRegs(regs), sregs: s };
}

function frameAt(mem: Uint8Array, rsp: number, vector: number): bigint[] {
  const dv = new DataView(mem.buffer, mem.byteOffset);
  const n = ERROR_CODE_VECTORS.has(vector) ? 6 : 5;
  const out: bigint[] = [];
  for (let k = 0; k < n; k++) out.push(rsp + 8 * k + 8 <= mem.length ? dv.getBigUint64(rsp + 8 * k, true) : 0n);
  return out;
}

function handlerVector(ripAfterHlt: bigint): number {
  const off = Number(ripAfterHlt) - 1 - HANDLERS;
  return off >= 0 && off % HANDLER_STRIDE === 0 && off / HANDLER_STRIDE < 256 ? off / HANDLER_STRIDE : -1;
}

export class KvmSide {
  private readonly sys: Kvm;
  private vm!: VmFd;
  private vcpu!: VcpuFd;
  ram!: Uint8Array;

  constructor(
    private readonly image: Uint8Array,
    private readonly base: MachineState,
  ) {
    this.sys = KvmSystem.open();
    this.create();
  }

  private create(): void {
    this.vm = this.sys.createVm();
    this.vm.setTssAddr(0xfffbd000);
    this.ram = this.vm.mapMemory({ size: MEM_SIZE }).bytes;
    this.ram.set(this.image);
    this.vcpu = this.vm.createVcpu(0);
    this.vcpu.setCpuid2(this.sys.getSupportedCpuid());
    this.vcpu.setSregs({ ...this.vcpu.getSregs(), ...this.base.sregs });
  }

  /**
   * A fresh VM and vCPU: after a stop that is not a handler's HLT (an MMIO
   * exit leaves an access pending, a shutdown a dead vCPU) the old one
   * cannot simply be reloaded.
   */
  recreate(): void {
    this.vm.close();
    this.create();
  }

  load(st: MachineState): void {
    this.vcpu.setSregs({ ...this.vcpu.getSregs(), ...st.sregs });
    this.vcpu.setRegs(st.regs);
  }

  step(): Stop {
    const e = this.vcpu.run();
    const regs = regsToVec(this.vcpu.getRegs());
    if (e.kind !== 'hlt') return { vector: -1, regs, frame: [], other: `KVM exit ${e.kind}${e.kind === 'internal-error' ? ` (suberror ${e.suberror})` : ''}` };
    const vector = handlerVector(regs[RIP_I]);
    return { vector, regs, frame: vector >= 0 ? frameAt(this.ram, Number(regs[4]), vector) : [], other: vector < 0 ? 'HLT outside the handlers' : undefined };
  }

  cr2(): bigint {
    return this.vcpu.getSregs().cr2;
  }

  /** XMM0–15, MXCSR and the x87 registers through KVM_GET_XSAVE (legacy region: MXCSR at 24, XMM at 160; SDM Vol. 1 Table 10-2). */
  getFpuState(): FpuState {
    const a = this.vcpu.getXsave();
    const dv = new DataView(a.buffer);
    // XSTATE_BV.SSE clear: the XMM registers are in their initial state (zeros), SDM Vol. 1 §13.6.
    const inUse = (dv.getUint32(XSAVE_HEADER, true) & 2) !== 0;
    let x87 = x87Compared(a);
    if ((dv.getUint32(XSAVE_HEADER, true) & 1) === 0) {
      x87 = new Uint8Array(160); // XSTATE_BV.X87 clear: the initial state (FCW 037F, all empty, zeros)
      x87[0] = 0x7f;
      x87[1] = 0x03;
    }
    return { xmm: inUse ? a.slice(XSAVE_XMM, XSAVE_XMM + 256) : new Uint8Array(256), mxcsr: dv.getUint32(XSAVE_MXCSR, true), x87 };
  }

  /** KVM_SET_XSAVE of the state (FOP, FIP, FDP 0), with XSTATE_BV's X87 and SSE bits set so it holds. */
  setFpuState(v: FpuState): void {
    const a = this.vcpu.getXsave();
    const dv = new DataView(a.buffer);
    a.set(v.xmm, XSAVE_XMM);
    a.fill(0, 0, 24);
    a.set(v.x87.subarray(0, 5));
    for (let k = 0; k < 8; k++) a.set(v.x87.subarray(32 + 16 * k, 48 + 16 * k), 32 + 16 * k);
    dv.setUint32(XSAVE_MXCSR, v.mxcsr, true);
    dv.setUint32(XSAVE_HEADER, dv.getUint32(XSAVE_HEADER, true) | 3, true);
    this.vcpu.setXsave(a);
  }

  close(): void {
    this.vm.close();
    this.sys.close();
  }
}

export class EmuSide {
  readonly cpu: Cpu;
  readonly ram: Uint8Array;

  constructor(image: Uint8Array, base: MachineState) {
    this.cpu = createEmuCpu({ memSize: MEM_SIZE, memory: image, state: base });
    this.ram = this.cpu.mem.u8;
  }

  load(st: MachineState): void {
    this.cpu.flushDecodeCache();
    this.cpu.halted = false;
    loadMachineState(this.cpu, st);
  }

  step(): Stop {
    const cpu = this.cpu;
    const e = cpu.run(10_000);
    if (e.reason === EXIT_HLT) cpu.rip += e.insnLen;
    const regs = this.regs();
    if (e.reason !== EXIT_HLT) return { vector: -1, regs, frame: [], other: `emulator exit ${EXIT_NAMES[e.reason] ?? e.reason}${e.message ? ` (${e.message})` : ''}` };
    const vector = handlerVector(regs[RIP_I]);
    return { vector, regs, frame: vector >= 0 ? frameAt(this.ram, Number(regs[4]), vector) : [], other: vector < 0 ? 'HLT outside the handlers' : undefined };
  }

  regs(): RegVec {
    const r = this.cpu.r;
    const v: RegVec = [];
    for (let g = 0; g < 16; g++) v.push((BigInt(r[2 * g + 1] >>> 0) << 32n) | BigInt(r[2 * g] >>> 0));
    v.push(this.cpu.getRip(), BigInt(this.cpu.readRflags()));
    return v;
  }

  cr2(): bigint {
    return getSregs(this.cpu).cr2;
  }

  getFpuState(): FpuState {
    const f = this.cpu.x87, x87 = new Uint8Array(160), dv = new DataView(x87.buffer);
    dv.setUint16(0, f.fcw, true);
    dv.setUint16(2, f.statusWord(), true);
    x87[4] = f.abridgedTag();
    for (let i = 0; i < 8; i++) {
      const r = f.phys(i), o = 32 + 16 * i;
      dv.setUint32(o, f.sig[2 * r + 1], true);
      dv.setUint32(o + 4, f.sig[2 * r], true);
      dv.setUint16(o + 8, f.se[r], true);
    }
    return { xmm: this.cpu.sse.x.u8.slice(0, 256), mxcsr: this.cpu.sse.mxcsr, x87 };
  }

  setFpuState(v: FpuState): void {
    this.cpu.sse.x.u8.set(v.xmm);
    this.cpu.sse.mxcsr = v.mxcsr;
    const f = this.cpu.x87, dv = new DataView(v.x87.buffer, v.x87.byteOffset);
    f.init();
    f.setControlWord(dv.getUint16(0, true));
    f.setStatusWord(dv.getUint16(2, true));
    f.setAbridgedTag(v.x87[4]);
    for (let i = 0; i < 8; i++) {
      const r = f.phys(i), o = 32 + 16 * i;
      f.sig[2 * r + 1] = dv.getUint32(o, true);
      f.sig[2 * r] = dv.getUint32(o + 4, true);
      f.se[r] = dv.getUint16(o + 8, true);
    }
  }
}

export { CODE, CODE_MAX };
