/**
 * The x87/SSE registers through KVM_GET_FPU / KVM_SET_FPU, converted between
 * struct kvm_fpu and the registers gdb names on amd64 (FpuRegisters): the
 * full tag word from the abridged one (gdb i387-tdep.c i387_supply_fxsave,
 * from SDM Vol. 1 §10.5.1.1 "x87 FPU tag word"), and back (any tag but
 * empty marks the register in use, i387_collect_fxsave); FIP/FDP as
 * fiseg:fioff / foseg:fooff (amd64_supply_fxsave).
 */
import type { VcpuFd } from '../../core/api/index.ts';
import type { KvmFpu } from '../../core/uapi/structs.ts';
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

export function readFpu(vcpu: VcpuFd): FpuRegisters {
  return fpuFromKvm(vcpu.getFpu());
}

export function writeFpu(vcpu: VcpuFd, f: FpuRegisters): void {
  vcpu.setFpu(fpuToKvm(f, vcpu.getFpu()));
}
