/**
 * KVM_GET_XSAVE / KVM_GET_XSAVE2 / KVM_SET_XSAVE on the emulated vCPU
 * (kvm_vcpu_ioctl_x86_get_xsave2 / set_xsave in x86.c, which copy the
 * guest's fpstate in the standard format). The emulated CPU has no x87/SSE
 * registers, so the legacy region holds their reset values; the state that
 * matters is APX's R16–R31 (component 19), the guest's copy the hypervisor
 * keeps while the vCPU is outside the guest (xcr.ts) — the uAPI through which
 * a debugger reads and writes them, as Chang Bae's APX series proposes.
 */
import { Errno, KvmError } from '../uapi/errors.ts';
import { ioctlName } from '../uapi/ioctls.ts';
import {
  FCW_DEFAULT, KVM_XSAVE_SIZE, MXCSR_DEFAULT, readApxComponent, setXstateBv, writeApxComponent, XFEATURE_APX_BIT,
  XSAVE_FCW, XSAVE_HEADER, XSAVE_MXCSR, xstateBv,
} from '../uapi/xsave.ts';
import type { EmuVcpu } from './vcpu.ts';

/** Components this vCPU's XSAVE area can hold: x87, SSE, APX. */
const SUPPORTED = 0x3n | (1n << BigInt(XFEATURE_APX_BIT));

export function getXsave(v: EmuVcpu, b: Uint8Array): void {
  b.fill(0, 0, KVM_XSAVE_SIZE);
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  d.setUint16(XSAVE_FCW, FCW_DEFAULT, true);
  d.setUint32(XSAVE_MXCSR, MXCSR_DEFAULT, true);
  setXstateBv(b, 0x3n);
  const egprs = [...v.xcr.egprs];
  // The APX component is reported whenever the guest enabled it or holds non-init values.
  if ((v.xcr.xcr0 >> BigInt(XFEATURE_APX_BIT)) & 1n || egprs.some((x) => x !== 0n)) writeApxComponent(b, egprs);
}

export function setXsave(v: EmuVcpu, b: Uint8Array, request: number): void {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bv = xstateBv(b);
  if (bv & ~SUPPORTED) throw new KvmError(Errno.EINVAL, ioctlName(request), `XSTATE_BV 0x${bv.toString(16)} names components this vCPU does not have`);
  if (d.getBigUint64(XSAVE_HEADER + 8, true) !== 0n) throw new KvmError(Errno.EINVAL, ioctlName(request), 'XCOMP_BV must be 0 (standard format)');
  readApxComponent(b).forEach((x, k) => (v.xcr.egprs[k] = x));
}
