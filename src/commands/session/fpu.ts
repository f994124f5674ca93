/**
 * The x87/SSE registers through the uAPI, converted between struct kvm_fpu
 * (or the FXSAVE-format legacy region of the XSAVE area, the same fields)
 * and the registers gdb names on amd64 (FpuRegisters): the full tag word
 * from the abridged one (gdb i387-tdep.c i387_supply_fxsave, from SDM Vol. 1
 * §10.5.1.1 "x87 FPU tag word"), and back (any tag but empty marks the
 * register in use, i387_collect_fxsave); FIP/FDP as fiseg:fioff /
 * foseg:fooff (amd64_supply_fxsave).
 *
 * Which ioctls: on /dev/kvm, KVM_GET/SET_XSAVE. KVM_GET_FPU and KVM_SET_FPU
 * copy the kernel's fpstate legacy area as it is, without XSTATE_BV: on
 * this machine's KVM, KVM_GET_FPU reads MXCSR as 0 while the guest's
 * STMXCSR gives 1F80h, and XMM and MXCSR written with KVM_SET_FPU never
 * reach the guest (XSTATE_BV still reads 0 after it in KVM_GET_XSAVE, so
 * the kernel restores the init state) — test/commands/session/
 * fpu-uapi-kvm.test.ts shows both. KVM_GET/SET_XSAVE go through
 * copy_xstate_to_uabi_buf / copy_uabi_to_xstate, which fill in the init
 * values and set XSTATE_BV. On emu, KVM_GET/SET_FPU carry cpu.x87 and
 * cpu.sse (src/core/emu/fpu-ioctl.ts) while the XSAVE area's legacy region
 * does not yet.
 */
import type { VcpuFd } from '../../core/api/index.ts';
import type { BackendName } from '../../core/backend.ts';
import type { KvmFpu } from '../../core/uapi/structs.ts';
import { setXstateBv, xstateBv } from '../../core/uapi/xsave.ts';
import type { FpuRegisters } from './types.ts';

const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

/** The 2-bit tag of a non-empty register from its 10 bytes. */
function tagOf(raw: Uint8Array): number {
  const exp = ((raw[9] & 0x7f) << 8) | raw[8];
  const integer = (raw[7] & 0x80) !== 0;
  if (exp === 0x7fff) return TAG_SPECIAL;
  if (exp === 0) return raw.subarray(0, 8).every((b) => b === 0) ? TAG_ZERO : TAG_SPECIAL;
  return integer ? TAG_VALID : TAG_SPECIAL;
}

export function fpuFromKvm(k: KvmFpu): FpuRegisters {
  const top = (k.fsw >> 11) & 7;
  let ftag = 0;
  for (let r = 0; r < 8; r++) {
    const tag = k.ftwx & (1 << r) ? tagOf(k.fpr[(r - top + 8) & 7]) : TAG_EMPTY;
    ftag |= tag << (2 * r);
  }
  return {
    st: k.fpr.map((b) => b.slice(0, 10)),
    fctrl: k.fcw,
    fstat: k.fsw,
    ftag,
    fiseg: Number(k.last_ip >> 32n),
    fioff: Number(k.last_ip & 0xffffffffn),
    foseg: Number(k.last_dp >> 32n),
    fooff: Number(k.last_dp & 0xffffffffn),
    fop: k.last_opcode & 0x7ff,
    xmm: k.xmm.map((b) => b.slice()),
    mxcsr: k.mxcsr,
  };
}

/** `f` into a struct kvm_fpu (bytes 10–15 of each fpr slot from `base`). */
export function fpuToKvm(f: FpuRegisters, base: KvmFpu): KvmFpu {
  let ftwx = 0;
  for (let r = 0; r < 8; r++) if (((f.ftag >> (2 * r)) & 3) !== TAG_EMPTY) ftwx |= 1 << r;
  return {
    ...base,
    fpr: base.fpr.map((slot, i) => {
      const b = slot.slice();
      b.set(f.st[i].subarray(0, 10));
      return b;
    }),
    fcw: f.fctrl & 0xffff,
    fsw: f.fstat & 0xffff,
    ftwx,
    last_opcode: f.fop & 0x7ff,
    last_ip: (BigInt(f.fiseg >>> 0) << 32n) | BigInt(f.fioff >>> 0),
    last_dp: (BigInt(f.foseg >>> 0) << 32n) | BigInt(f.fooff >>> 0),
    xmm: f.xmm.map((b) => b.slice(0, 16)),
    mxcsr: f.mxcsr >>> 0,
  };
}

/**
 * The FXSAVE legacy region (SDM Vol. 1 §10.5.1, Table 10-2, 64-bit form) as
 * a struct kvm_fpu: the same fields at other offsets (FCW 0, FSW 2, abridged
 * tag 4, FOP 6, FIP 8, FDP 16, MXCSR 24, ST 32, XMM 160).
 */
export function kvmFpuFromXsave(area: Uint8Array): KvmFpu {
  const d = new DataView(area.buffer, area.byteOffset, area.byteLength);
  return {
    fpr: Array.from({ length: 8 }, (_, i) => area.slice(32 + 16 * i, 48 + 16 * i)),
    fcw: d.getUint16(0, true),
    fsw: d.getUint16(2, true),
    ftwx: d.getUint8(4),
    last_opcode: d.getUint16(6, true),
    last_ip: d.getBigUint64(8, true),
    last_dp: d.getBigUint64(16, true),
    xmm: Array.from({ length: 16 }, (_, i) => area.slice(160 + 16 * i, 176 + 16 * i)),
    mxcsr: d.getUint32(24, true),
  };
}

/** Store `k` into the legacy region and mark x87 and SSE present in XSTATE_BV, so KVM_SET_XSAVE loads them. */
export function kvmFpuToXsave(k: KvmFpu, area: Uint8Array): void {
  const d = new DataView(area.buffer, area.byteOffset, area.byteLength);
  d.setUint16(0, k.fcw, true);
  d.setUint16(2, k.fsw, true);
  d.setUint8(4, k.ftwx);
  d.setUint16(6, k.last_opcode, true);
  d.setBigUint64(8, k.last_ip, true);
  d.setBigUint64(16, k.last_dp, true);
  d.setUint32(24, k.mxcsr, true);
  k.fpr.forEach((b, i) => area.set(b, 32 + 16 * i));
  k.xmm.forEach((b, i) => area.set(b, 160 + 16 * i));
  setXstateBv(area, xstateBv(area) | 0x3n);
}

/** Whether this backend's x87/SSE state goes through KVM_GET/SET_XSAVE (kvm) or KVM_GET/SET_FPU (emu); see above. */
export function fpuThroughXsave(backend: BackendName): boolean {
  return backend === 'kvm';
}

export function readFpu(vcpu: VcpuFd, backend: BackendName): FpuRegisters {
  return fpuFromKvm(fpuThroughXsave(backend) ? kvmFpuFromXsave(vcpu.getXsave()) : vcpu.getFpu());
}

export function writeFpu(vcpu: VcpuFd, backend: BackendName, f: FpuRegisters): void {
  if (!fpuThroughXsave(backend)) {
    vcpu.setFpu(fpuToKvm(f, vcpu.getFpu()));
    return;
  }
  const area = vcpu.getXsave();
  kvmFpuToXsave(fpuToKvm(f, kvmFpuFromXsave(area)), area);
  vcpu.setXsave(area);
}

