/**
 * The x87 and SSE registers as a debugger shows them, from the guest's
 * XSAVE area (KVM_GET_XSAVE2, the call that also carries APX's R16–R31):
 * its legacy region (core/uapi/xsave.ts). Names are gdb's (i386 target
 * features core and sse): st0–st7, fctrl fstat ftag fiseg fioff foseg fooff
 * fop, xmm0–15, mxcsr. What KVM returns is what is shown — on the emulated
 * backend, whatever its KVM_GET_XSAVE fills in. Read-only: nothing writes
 * them yet.
 */
import { KvmCap } from '../../core/uapi/ioctls.ts';
import { readLegacyRegion } from '../../core/uapi/xsave.ts';
import type { Machine } from './machine.ts';
import type { RegisterSet } from './types.ts';

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

/** The x87 and SSE registers by gdb's names; null when the backend has no KVM_GET_XSAVE2 (KVM_CAP_XSAVE2). */
export function readFpuRegisters(m: Machine): RegisterSet | null {
  if (!m.kvm.hasExtension(KvmCap.XSAVE2)) return null;
  const r = readLegacyRegion(m.vcpu.getXsave2());
  const out: RegisterSet = {};
  r.st.forEach((v, k) => (out[`st${k}`] = v));
  Object.assign(out, {
    fctrl: BigInt(r.fcw), fstat: BigInt(r.fsw), ftag: fullTagWord(r.abridgedTag, r.fsw, r.st),
    fiseg: BigInt(r.fiseg), fioff: BigInt(r.fioff), foseg: BigInt(r.foseg), fooff: BigInt(r.fooff), fop: BigInt(r.fop),
  });
  r.xmm.forEach((v, k) => (out[`xmm${k}`] = v));
  out.mxcsr = BigInt(r.mxcsr);
  return out;
}
