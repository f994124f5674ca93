/**
 * vCPU state transfer between userspace and the emulated vCPU: what
 * KVM_GET/SET_REGS, KVM_GET/SET_SREGS, KVM_GET/SET_VCPU_EVENTS and
 * KVM_GET/SET_MSRS (and the sync-regs copies in kvm_run) read and write, as
 * x86.c's __get_regs/__set_regs, __get_sregs/__set_sregs,
 * kvm_vcpu_ioctl_x86_get/set_vcpu_events and kvm_get/set_msr do it; and
 * the queued exception's way into the guest at entry (injectEvents).
 *
 * Free functions over the vCPU; EmuVcpu exposes them as its
 * get/set…Internal and getMsr/setMsr methods. Errors are KvmError with the
 * ioctl's name, so the backend passes the kernel's errno through.
 */
import { readMsr, writeMsr } from '../../emu/exec/system-msr.ts';
import { AC, BP, DB, DE, GP, NP, OF, PF, SS, TS, UD } from '../../emu/fault.ts';
import { EVENT_EXCEPTION, EVENT_SOFTWARE } from '../../emu/interrupts.ts';
import { CR0_CD, CR0_NW, CR0_PE, CR0_PG, CR4_PAE, EFER_LMA, EFER_LME, FLAG_RF, type Gpr } from '../../emu/regs.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KvmVcpuEventValid, type KvmRegs, type KvmSregs, type KvmVcpuEvents } from '../uapi/structs.ts';
import { getSregs, setSregs, KVM_REGS_GPR } from './cpu-state.ts';
import { cr4ReservedBits } from './cr4-valid.ts';
import type { EmuVcpu, QueuedException } from './vcpu.ts';

/** KVM_X86_SHADOW_INT_STI. */
const SHADOW_INT_STI = 1;
const GPRS = Object.entries(KVM_REGS_GPR) as [keyof typeof KVM_REGS_GPR, Gpr][];
const RF = BigInt(FLAG_RF);
const VALID_EVENT_FLAGS = Object.values(KvmVcpuEventValid).reduce((a, b) => a | b, 0);

/** IA32_TSC_DEADLINE: ignored without an in-kernel LAPIC. */
const MSR_TSC_DEADLINE = 0x6e0;

/** MSRs KVM emulates that the CPU does not implement (no in-kernel LAPIC), at their reset values. */
export function kvmEmulatedMsrs(): Map<number, bigint> {
  return new Map<number, bigint>([
    [MSR_TSC_DEADLINE, 0n],
    [0x1a0, 0x1800n], // IA32_MISC_ENABLE: PEBS/BTS unavailable (KVM's reset value)
    [0x277, 0x0007040600070406n], // IA32_PAT reset value
  ]);
}

/** A guest WRMSR to a KVM-emulated MSR (the TSC deadline goes to the LAPIC, or is dropped without one). */
export function guestWriteEmulatedMsr(v: EmuVcpu, index: number, value: bigint): void {
  if (index !== MSR_TSC_DEADLINE) v.extraMsrs.set(index, value);
  else if (v.lapic !== null) v.lapic.tscDeadlineMsr = value;
}

/** __get_regs (x86.c). */
export function getVcpuRegs(v: EmuVcpu): KvmRegs {
  const r = v.regs;
  const out = {} as KvmRegs;
  for (const [name, g] of GPRS) out[name] = r.gpr(g);
  out.rip = r.rip();
  out.rflags = v.getRflags();
  return out;
}

/** __set_regs (x86.c): rflags bit 1 forced, the pending exception dropped. */
export function setVcpuRegs(v: EmuVcpu, regs: KvmRegs): void {
  const r = v.regs;
  for (const [name, g] of GPRS) r.setGpr(g, regs[name]);
  r.setRip(regs.rip);
  v.setRflags(regs.rflags | 2n);
  v.exception = null;
}

/** __get_sregs (x86.c); no in-kernel LAPIC, so the interrupt bitmap is empty. */
export function getVcpuSregs(v: EmuVcpu): KvmSregs {
  const s = getSregs(v.cpu);
  const bitmap = [0n, 0n, 0n, 0n];
  return { ...s, apic_base: BigInt(v.cpu.apicBase), interrupt_bitmap: bitmap };
}

/** __set_sregs (x86.c kvm_is_valid_sregs + __set_sregs_common); EINVAL on invalid state. */
export function setVcpuSregs(v: EmuVcpu, s: KvmSregs, ioctl: string): void {
  const fail = (why: string): never => {
    throw new KvmError(Errno.EINVAL, ioctl, why);
  };
  const lme = (s.efer & BigInt(EFER_LME)) !== 0n, lma = (s.efer & BigInt(EFER_LMA)) !== 0n;
  const pg = (s.cr0 & BigInt(CR0_PG)) !== 0n;
  if (lme && pg) {
    if (!(s.cr4 & BigInt(CR4_PAE)) || !lma) fail('EFER.LME and CR0.PG need CR4.PAE and EFER.LMA');
    if (s.cr3 >> 52n !== 0n) fail('CR3 has bits above MAXPHYADDR');
  } else if (lma || s.cs.l) {
    fail('EFER.LMA or CS.L outside 64-bit mode');
  }
  if (s.cr0 >> 32n !== 0n || (pg && !(s.cr0 & BigInt(CR0_PE))) || (s.cr0 & BigInt(CR0_NW) && !(s.cr0 & BigInt(CR0_CD)))) {
    fail('invalid CR0');
  }
  const reserved = s.cr4 & cr4ReservedBits(v.cpu.cpuid);
  if (reserved !== 0n) fail(`CR4 bits 0x${reserved.toString(16)} are reserved for this vCPU (kvm_is_valid_cr4)`);
  // kvm_apic_set_base: reserved bits, and x2APIC mode without LAPIC enable.
  if (s.apic_base & 0x6ffn || s.apic_base >> 48n !== 0n) fail('invalid APIC base');
  setSregs(v.cpu, s);
  v.cpu.setApicBase(Number(s.apic_base));
}

/** kvm_vcpu_ioctl_x86_get_vcpu_events (x86.c): the pieces this vCPU has (exception, shadow). */
export function getVcpuEvents(v: EmuVcpu): KvmVcpuEvents {
  const e = v.exception;
  const ev = {
    exception: { injected: e !== null ? 1 : 0, nr: e?.vector ?? 0, has_error_code: e !== null && e.errorCode >= 0 ? 1 : 0, pending: 0, error_code: e !== null && e.errorCode >= 0 ? e.errorCode : 0 },
    interrupt: { injected: 0, nr: 0, soft: 0, shadow: v.cpu.shadow ? SHADOW_INT_STI : 0 },
    nmi: { injected: 0, pending: 0, masked: 0 },
    sipi_vector: 0,
    flags: KvmVcpuEventValid.NMI_PENDING | KvmVcpuEventValid.SHADOW | KvmVcpuEventValid.SMM,
    smi: { smm: 0, pending: 0, smm_inside_nmi: 0, latched_init: 0 },
    triple_fault: { pending: 0 },
    exception_has_payload: 0,
    exception_payload: 0n,
  };
  // Without KVM_CAP_EXCEPTION_PAYLOAD a pending exception is reported injected, its payload delivered first.
  if (e !== null && e.hasPayload) deliverPayload(v, e);
  return ev;
}

/** kvm_vcpu_ioctl_x86_set_vcpu_events (x86.c): the pieces this vCPU has (exception, shadow). */
export function setVcpuEvents(v: EmuVcpu, ev: KvmVcpuEvents, ioctl: string): void {
  if (ev.flags & ~VALID_EVENT_FLAGS) throw new KvmError(Errno.EINVAL, ioctl, 'unknown kvm_vcpu_events flags');
  if (ev.flags & KvmVcpuEventValid.PAYLOAD) throw new KvmError(Errno.EINVAL, ioctl, 'KVM_CAP_EXCEPTION_PAYLOAD is not enabled');
  if (ev.flags & KvmVcpuEventValid.TRIPLE_FAULT) throw new KvmError(Errno.EINVAL, ioctl, 'KVM_CAP_X86_TRIPLE_FAULT_EVENT is not enabled');
  const injected = ev.exception.injected !== 0; // pending is forced to 0 without the payload cap
  if (injected && (ev.exception.nr > 31 || ev.exception.nr === 2)) {
    throw new KvmError(Errno.EINVAL, ioctl, `exception vector ${ev.exception.nr} cannot be injected`);
  }
  v.exception = injected
    ? { vector: ev.exception.nr, errorCode: ev.exception.has_error_code ? ev.exception.error_code : -1, hasPayload: false, payload: 0n }
    : null;
  if (ev.flags & KvmVcpuEventValid.SHADOW) v.cpu.shadow = ev.interrupt.shadow !== 0;
  v.cpu.updateSlow();
}

/** kvm_exception_is_soft: #BP and #OF are injected as software exceptions. */
function isSoft(v: number): boolean {
  return v === BP || v === OF;
}
/** exception_type(v) == EXCPT_FAULT (x86.c): RF is set when injecting these. */
function isFault(v: number): boolean {
  return v === DE || v === 5 || v === UD || v === 7 || v === TS || v === NP || v === SS || v === GP || v === PF || v === 16 || v === AC || v === 19 || v === 20;
}
function hasErrorCode(v: number): boolean {
  return v === 8 || v === TS || v === NP || v === SS || v === GP || v === PF || v === AC || v === 21;
}

/** kvm_check_and_inject_events: the queued exception (RF for faults, #DB payload, GD cleared). */
export function injectEvents(v: EmuVcpu): void {
  const e = v.exception;
  if (e === null) return;
  v.exception = null;
  if (isFault(e.vector)) v.setRflags(v.getRflags() | RF);
  if (e.vector === DB) {
    if (e.hasPayload) deliverPayload(v, e);
    v.dr.clearGd();
  } else if (e.hasPayload) {
    deliverPayload(v, e);
  }
  if (isSoft(e.vector)) {
    // VMX soft exception: VM_ENTRY_INSTRUCTION_LEN = event_exit_inst_len, the return address follows it.
    v.regs.setRip(v.regs.rip() + BigInt(v.eventExitInstLen));
    v.cpu.inject(e.vector, -1, EVENT_SOFTWARE);
  } else {
    v.cpu.inject(e.vector, hasErrorCode(e.vector) ? Math.max(e.errorCode, 0) : -1, EVENT_EXCEPTION);
  }
  v.counters.inc('exception.injected');
}

/** kvm_deliver_exception_payload: DR6 for #DB, CR2 for #PF. */
export function deliverPayload(v: EmuVcpu, e: QueuedException): void {
  if (e.vector === DB) v.dr.deliverDbPayload(e.payload);
  else if (e.vector === PF) v.cpu.cr2 = Number(BigInt.asIntN(64, e.payload));
  e.hasPayload = false;
}

/** MSR read from userspace (KVM_GET_MSRS): the CPU's MSRs, then KVM's; undefined if neither has it. */
export function getVcpuMsr(v: EmuVcpu, index: number): bigint | undefined {
  const r = readMsr(v.cpu, index);
  if (r !== undefined) return (BigInt(r[1] >>> 0) << 32n) | BigInt(r[0] >>> 0);
  if (index === MSR_TSC_DEADLINE && v.lapic !== null) return v.lapic.tscDeadlineMsr; // kvm_get_lapic_tscdeadline_msr
  return v.extraMsrs.get(index);
}

/** MSR write from userspace (KVM_SET_MSRS); false if the MSR does not exist or rejects the value. */
export function setVcpuMsr(v: EmuVcpu, index: number, value: bigint): boolean {
  const u = BigInt.asUintN(64, value);
  if (readMsr(v.cpu, index) !== undefined) return writeMsr(v.cpu, index, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  if (!v.extraMsrs.has(index)) return false;
  if (index === MSR_TSC_DEADLINE && v.lapic !== null) v.lapic.tscDeadlineMsr = u;
  else v.extraMsrs.set(index, u);
  return true;
}
