/**
 * KVM_GET_XSAVE / KVM_GET_XSAVE2 / KVM_SET_XSAVE on the emulated vCPU
 * (kvm_vcpu_ioctl_x86_get_xsave2 / set_xsave in x86.c →
 * fpu_copy_guest_fpstate_to_uabi / fpu_copy_uabi_to_guest_fpstate →
 * __copy_xstate_to_uabi_buf / copy_uabi_to_xstate in kernel/fpu/xstate.c),
 * in the standard format:
 *  - XSTATE_BV: the components in use (XINUSE, emu/fpu/xstate.ts); a
 *    component not in use reads as its initial configuration (the kernel
 *    copies init_fpstate for it: FCW 037F, MXCSR 1F80 with MXCSR_MASK);
 *  - bytes 416–463 zero, 464–511 the kernel's fx_sw_bytes (FP_XSTATE_MAGIC1,
 *    the user XSAVE size + 4, its features and size) for the emulated host;
 *  - APX's R16–R31 (component 19) come from the guest copy the hypervisor
 *    keeps while the vCPU is outside the guest (xcr.ts), reported whenever
 *    the guest enabled APX or holds non-init values.
 * A set validates like validate_user_xstate_header (EINVAL for unknown
 * features, XCOMP_BV ≠ 0, non-zero reserved header bytes) and the MXCSR
 * reserved bits, then loads each component named in XSTATE_BV and
 * initializes the others (what the next XRSTOR(S) of the kernel's buffer
 * does); MXCSR follows SSE (1F80 when SSE and YMM are absent).
 */
import { xsaveSize } from '../../emu/cpuid.ts';
import {
  initX87, initXmm, loadX87, loadXmm, MXCSR_OFFSET, saveMxcsr, saveX87, saveXmm, SSE_BIT, X87_BIT, xinuse, XMM_END, YMM_BIT,
  type XComponents,
} from '../../emu/fpu/xstate.ts';
import { MXCSR_MASK, mxcsrReservedFault, SseState } from '../../emu/sse/mxcsr.ts';
import { X87State } from '../../emu/fpu/x87-state.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { ioctlName } from '../uapi/ioctls.ts';
import { KVM_XSAVE_SIZE, readApxComponent, setXstateBv, writeApxComponent, XFEATURE_APX_BIT, XSAVE_HEADER, xstateBv } from '../uapi/xsave.ts';
import type { EmuVcpu } from './vcpu.ts';

/** Components this vCPU's XSAVE area can hold: x87, SSE, APX. */
const SUPPORTED = 0x3n | (1n << BigInt(XFEATURE_APX_BIT));

/** struct _fpx_sw_bytes at 464 (arch/x86/include/uapi/asm/sigcontext.h). */
const SW_BYTES = 464, FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2_SIZE = 4;

/** The guest's x87/SSE state (the live CPU's: the emulated host never touches them) with no APX registers. */
function legacyComponents(v: EmuVcpu): XComponents {
  return { x87: v.cpu.x87, sse: v.cpu.sse, apx: new Int32Array(32), apxBase: 0 };
}

/** init_fpstate's legacy region: FXSAVE of the initial configuration. */
const INIT: XComponents = { x87: new X87State(), sse: new SseState(), apx: new Int32Array(32), apxBase: 0 };

export function getXsave(v: EmuVcpu, b: Uint8Array): void {
  b.fill(0, 0, KVM_XSAVE_SIZE);
  const x = legacyComponents(v);
  const inuse = xinuse(x);
  saveX87(inuse & X87_BIT ? x : INIT, b, true, true);
  saveMxcsr(inuse & (SSE_BIT | YMM_BIT) ? x : INIT, b);
  saveXmm(inuse & SSE_BIT ? x : INIT, b);
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // fx_sw_bytes of the emulated host: its user features are its XCR0.
  const host = Number(v.xcr.hostXcr0), size = xsaveSize(v.cpu.cpuid, host);
  d.setUint32(SW_BYTES, FP_XSTATE_MAGIC1, true);
  d.setUint32(SW_BYTES + 4, size + FP_XSTATE_MAGIC2_SIZE, true);
  d.setBigUint64(SW_BYTES + 8, v.xcr.hostXcr0, true);
  d.setUint32(SW_BYTES + 16, size, true);
  setXstateBv(b, BigInt(inuse & (X87_BIT | SSE_BIT)));
  const egprs = [...v.xcr.egprs];
  if ((v.xcr.xcr0 >> BigInt(XFEATURE_APX_BIT)) & 1n || egprs.some((r) => r !== 0n)) writeApxComponent(b, egprs);
}

export function setXsave(v: EmuVcpu, b: Uint8Array, request: number): void {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bv = xstateBv(b);
  const fail = (why: string): never => {
    throw new KvmError(Errno.EINVAL, ioctlName(request), why);
  };
  if (bv & ~SUPPORTED) fail(`XSTATE_BV 0x${bv.toString(16)} names components this vCPU does not have`);
  if (d.getBigUint64(XSAVE_HEADER + 8, true) !== 0n) fail('XCOMP_BV must be 0 (standard format)');
  for (let k = 16; k < 64; k++) if (b[XSAVE_HEADER + k] !== 0) fail('reserved bytes of the XSAVE header must be 0');
  const comps = Number(bv & 0x3n);
  const mx = d.getUint32(MXCSR_OFFSET, true);
  if (comps & (X87_BIT | SSE_BIT | YMM_BIT) && mxcsrReservedFault(mx, MXCSR_MASK)) fail(`MXCSR 0x${mx.toString(16)} has reserved bits set`);
  const x = legacyComponents(v);
  const legacy = b.subarray(0, XMM_END);
  if (comps & X87_BIT) loadX87(x, legacy, true);
  else initX87(x);
  if (comps & SSE_BIT) loadXmm(x, legacy);
  else initXmm(x);
  v.cpu.sse.mxcsr = comps & SSE_BIT ? mx : INIT.sse.mxcsr;
  readApxComponent(b).forEach((r, k) => (v.xcr.egprs[k] = r));
}
