/**
 * The x87 and SSE registers through the uAPI, on both backends, from the
 * legacy region of the guest's XSAVE area (core/uapi/xsave.ts decodes and
 * encodes it): KVM_GET_XSAVE to read, KVM_SET_XSAVE to write. (The first
 * 4096 bytes are enough: the legacy region and header are at their start,
 * and KVM_GET_XSAVE exists wherever KVM_GET_XSAVE2 does.)
 *
 * Why XSAVE and not KVM_GET/SET_FPU: those copy the kernel's fpstate legacy
 * area as it is, without XSTATE_BV; on this machine's KVM, KVM_GET_FPU
 * reads MXCSR as 0 while the guest's STMXCSR gives 1F80h, and XMM and MXCSR
 * written with KVM_SET_FPU never reach the guest (XSTATE_BV still reads 0
 * after it, so the kernel restores the init state) —
 * test/commands/session/fpu-uapi-kvm.test.ts shows both. KVM_GET/SET_XSAVE
 * go through copy_xstate_to_uabi_buf / copy_uabi_to_xstate, which fill in
 * the init values and set XSTATE_BV. The emulated backend's XSAVE area
 * carries its x87/SSE state byte-exact (core/emu/xsave.ts).
 *
 * Names are gdb's (i386 target features core and sse): st0–st7, fctrl
 * fstat ftag fiseg fioff foseg fooff fop, xmm0–15, mxcsr; the full tag word
 * is rebuilt from FXSAVE's abridged one (gdb i387-tdep.c
 * i387_supply_fxsave, SDM Vol. 1 §10.5.1.1) and abridged again on a write
 * (any tag but empty marks the register in use, i387_collect_fxsave).
 */
import type { VcpuFd } from '../../core/api/index.ts';
import { type LegacyRegion, readLegacyRegion, writeLegacyRegion } from '../../core/uapi/xsave.ts';
import type { FpuRegisters, RegisterSet } from './types.ts';

/** Two-bit tags of the full x87 tag word (SDM Vol. 1 §8.1.7). */
const TAG_VALID = 0n;
const TAG_ZERO = 1n;
const TAG_SPECIAL = 2n;
const TAG_EMPTY = 3n;

/**
 * The tag of a non-empty register from its 80-bit contents (SDM Vol. 1
 * §10.5.1.1, the tags FSTENV reconstructs from FXSAVE's abridged form):
 * exponent all ones: special (NaN, infinity); exponent zero: zero when the
 * significand is zero, else special (denormal); otherwise valid when the
 * integer bit (63) is set, special (unnormal) when not.
 */
export function contentTag(v: bigint): bigint {
  const exponent = (v >> 64n) & 0x7fffn;
  const significand = v & ((1n << 64n) - 1n);
  if (exponent === 0x7fffn) return TAG_SPECIAL;
  if (exponent === 0n) return significand === 0n ? TAG_ZERO : TAG_SPECIAL;
  return (significand >> 63n) & 1n ? TAG_VALID : TAG_SPECIAL;
}

/**
 * The full tag word from FXSAVE's abridged tag byte: physical register Rr
 * is empty (11) when its bit is clear, else tagged by its contents, which
 * are ST((r − TOP) mod 8) (TOP: FSW bits 13–11).
 */
export function fullTagWord(abridged: number, fsw: number, st: readonly bigint[]): bigint {
  const top = (fsw >> 11) & 7;
  let w = 0n;
  for (let r = 0; r < 8; r++) {
    const tag = (abridged >> r) & 1 ? contentTag(st[(r - top + 8) & 7]) : TAG_EMPTY;
    w |= tag << BigInt(2 * r);
  }
  return w;
}

/** The abridged tag byte of a full tag word: bit r set unless Rr is empty. */
function abridgedTag(ftag: number): number {
  let t = 0;
  for (let r = 0; r < 8; r++) if (((ftag >> (2 * r)) & 3) !== Number(TAG_EMPTY)) t |= 1 << r;
  return t;
}

function bytesLe(v: bigint, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

function fromBytesLe(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function fpuFromLegacy(r: LegacyRegion): FpuRegisters {
  return {
    st: r.st.map((v) => bytesLe(v, 10)),
    fctrl: r.fcw,
    fstat: r.fsw,
    ftag: Number(fullTagWord(r.abridgedTag, r.fsw, r.st)),
    fiseg: r.fiseg,
    fioff: r.fioff,
    foseg: r.foseg,
    fooff: r.fooff,
    fop: r.fop,
    xmm: r.xmm.map((v) => bytesLe(v, 16)),
    mxcsr: r.mxcsr,
  };
}

export function fpuToLegacy(f: FpuRegisters): LegacyRegion {
  return {
    fcw: f.fctrl & 0xffff,
    fsw: f.fstat & 0xffff,
    abridgedTag: abridgedTag(f.ftag),
    fop: f.fop & 0x7ff,
    fioff: f.fioff,
    fiseg: f.fiseg,
    fooff: f.fooff,
    foseg: f.foseg,
    mxcsr: f.mxcsr,
    st: f.st.map((b) => fromBytesLe(b.subarray(0, 10))),
    xmm: f.xmm.map((b) => fromBytesLe(b.subarray(0, 16))),
  };
}

export function readFpu(vcpu: VcpuFd): FpuRegisters {
  return fpuFromLegacy(readLegacyRegion(vcpu.getXsave()));
}

/** Write `f` (an edited readFpu() result) through KVM_SET_XSAVE, the rest of the area as it is. */
export function writeFpu(vcpu: VcpuFd, f: FpuRegisters): void {
  const area = vcpu.getXsave();
  writeLegacyRegion(area, fpuToLegacy(f));
  vcpu.setXsave(area);
}

/** The same registers as a RegisterSet by gdb's names (the gdb server's register file): ST as 80-bit, XMM as 128-bit integers. */
export function fpuRegisterSet(f: FpuRegisters): RegisterSet {
  const out: RegisterSet = {};
  f.st.forEach((b, k) => (out[`st${k}`] = fromBytesLe(b)));
  Object.assign(out, {
    fctrl: BigInt(f.fctrl), fstat: BigInt(f.fstat), ftag: BigInt(f.ftag),
    fiseg: BigInt(f.fiseg), fioff: BigInt(f.fioff), foseg: BigInt(f.foseg), fooff: BigInt(f.fooff), fop: BigInt(f.fop),
  });
  f.xmm.forEach((b, k) => (out[`xmm${k}`] = fromBytesLe(b)));
  out.mxcsr = BigInt(f.mxcsr);
  return out;
}
