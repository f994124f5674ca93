/**
 * MXCSR (SDM Vol. 1 §10.2.3) and the per-instruction exception bookkeeping
 * of SIMD floating-point instructions (§11.5.1–11.5.2).
 *
 * An instruction handler calls `beginFp(st)`, runs lane operations (which OR
 * pre-computation flags IE/DE/ZE into st.pre and post-computation flags
 * OE/UE/PE into st.post), then `endFp(st)`: the flags reach MXCSR and the
 * return value says whether an unmasked exception occurred — the handler
 * must then leave the destination unwritten and raise #XM, or #UD when
 * CR4.OSXMMEXCPT = 0 (`simdFaultVector`, SDM Vol. 3 §6.15 "#XM").
 */
import { UD, XM } from '../fault.ts';
import { CR4_OSXMMEXCPT } from '../regs.ts';
import { XmmFile } from './xmm.ts';

// Flag bits 0-5, mask bits 7-12 (mask = flag << 7), §10.2.3.1.
export const MX_IE = 1 << 0;
export const MX_DE = 1 << 1;
export const MX_ZE = 1 << 2;
export const MX_OE = 1 << 3;
export const MX_UE = 1 << 4;
export const MX_PE = 1 << 5;
export const MX_FLAGS = 0x3f;
export const MX_DAZ = 1 << 6;
export const MX_MASK_SHIFT = 7;
export const MX_MASKS = 0x3f << 7;
export const MX_RC_SHIFT = 13;
export const MX_RC = 3 << 13;
export const MX_FTZ = 1 << 15;
/** Power-up / reset value: all exceptions masked, round to nearest (§10.2.3). */
export const MXCSR_RESET = 0x1f80;
/**
 * MXCSR_MASK as FXSAVE reports it (§10.2.3.1, Vol. 1 §11.6.6): the writable
 * bits. 0xFFFF on every processor with DAZ; LDMXCSR/FXRSTOR of a value with
 * any other bit set raise #GP(0) (`mxcsrReservedFault`). AMD parts with
 * misaligned-SSE mode also report bit 17 (MM); we do not implement it.
 */
export const MXCSR_MASK = 0xffff;

/** True when loading `value` into MXCSR must raise #GP(0) (LDMXCSR, FXRSTOR). */
export function mxcsrReservedFault(value: number, mask = MXCSR_MASK): boolean {
  return (value & ~mask) !== 0;
}

// Rounding control (§4.8.4, Table 4-8).
export const RC_NEAREST = 0;
export const RC_DOWN = 1;
export const RC_UP = 2;
export const RC_ZERO = 3;

/** The SSE unit: registers, MXCSR, and the current instruction's exception state. */
export class SseState {
  readonly x = new XmmFile();
  mxcsr = MXCSR_RESET;
  // Decoded by beginFp for the instruction being executed:
  rc = RC_NEAREST;
  daz = false;
  ftz = false;
  /** Mask bits 7-12 shifted down onto the flag positions (1 = masked). */
  masks = MX_FLAGS;
  /** Pre-computation exceptions (IE, DE, ZE) of the lanes so far. */
  pre = 0;
  /** Post-computation exceptions (OE, UE, PE) of the lanes so far. */
  post = 0;
  /** The instruction's imm8 (CMPPS predicate, ROUNDPS mode …), set by the drivers. */
  imm = 0;
  /** Integer result of CVT(T)SS2SI/CVT(T)SD2SI as int32 halves (ihi = 0 or the sign for 32-bit results). */
  ilo = 0;
  ihi = 0;
}

export function beginFp(st: SseState): void {
  const m = st.mxcsr;
  st.rc = (m >>> MX_RC_SHIFT) & 3;
  st.daz = (m & MX_DAZ) !== 0;
  st.ftz = (m & MX_FTZ) !== 0;
  st.masks = (m >>> MX_MASK_SHIFT) & MX_FLAGS;
  st.pre = 0;
  st.post = 0;
}

/**
 * Merge the instruction's exceptions into MXCSR; true when one of them is
 * unmasked (§11.5.2.2: the destination is then not written). When any
 * pre-computation exception is unmasked, the post-computation ones are not
 * reported: the processor raises the exception before computing (§11.5.2).
 */
export function endFp(st: SseState): boolean {
  const unmasked = ~st.masks & MX_FLAGS;
  if (st.pre & unmasked) {
    st.mxcsr |= st.pre;
    return true;
  }
  st.mxcsr |= st.pre | st.post;
  return ((st.pre | st.post) & unmasked) !== 0;
}

/** The vector a SIMD floating-point exception is delivered as (SDM Vol. 3 §2.5 CR4.OSXMMEXCPT). */
export function simdFaultVector(cr4: number): number {
  return cr4 & CR4_OSXMMEXCPT ? XM : UD;
}
