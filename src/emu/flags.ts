/**
 * Lazy arithmetic flags (v86 / JSLinux style, style.md src/emu §5): an
 * instruction records (op, size, dst, src, result) and CF/PF/AF/ZF/SF/OF are
 * computed only when read. `op = EAGER` means the six flags are stored as bits
 * in fl[F_EAGER]. 64-bit values are stored as lo/hi int32 halves; 8/16-bit
 * values are stored zero-extended to their size.
 */
import { FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from './regs.ts';

export const F_OP = 0, F_SZ = 1, F_RES = 2, F_RESH = 3, F_DST = 4, F_DSTH = 5, F_SRC = 6, F_SRCH = 7;
export const F_EAGER = 8;
export const FLAGS_WORDS = 9;

// Lazy operation kinds.
export const EAGER = 0;
export const ADD = 1;
export const SUB = 2; // also CMP and NEG (dst = 0)
export const LOGIC = 3; // AND/OR/XOR/TEST: CF = OF = 0
export const INC = 4; // CF kept in fl[F_EAGER]
export const DEC = 5;

/** Parity of the low byte: PF is set when it has an even number of 1 bits. */
export const PARITY = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let n = 0;
  for (let k = 0; k < 8; k++) n += (b >> k) & 1;
  PARITY[b] = n & 1 ? 0 : FLAG_PF;
}

function signOf(sz: number, lo: number, hi: number): number {
  return sz === 64 ? hi >>> 31 : sz === 32 ? lo >>> 31 : (lo >> (sz - 1)) & 1;
}

/** Unsigned a < b at the recorded size. */
function below(sz: number, alo: number, ahi: number, blo: number, bhi: number): boolean {
  if (sz === 64 && ahi !== bhi) return ahi >>> 0 < bhi >>> 0;
  return alo >>> 0 < blo >>> 0;
}

export function getCF(fl: Int32Array): boolean {
  switch (fl[F_OP]) {
    case ADD:
      return below(fl[F_SZ], fl[F_RES], fl[F_RESH], fl[F_DST], fl[F_DSTH]);
    case SUB:
      return below(fl[F_SZ], fl[F_DST], fl[F_DSTH], fl[F_SRC], fl[F_SRCH]);
    case LOGIC:
      return false;
    default: // EAGER, INC, DEC
      return (fl[F_EAGER] & FLAG_CF) !== 0;
  }
}

export function getZF(fl: Int32Array): boolean {
  if (fl[F_OP] === EAGER) return (fl[F_EAGER] & FLAG_ZF) !== 0;
  return fl[F_RES] === 0 && (fl[F_SZ] !== 64 || fl[F_RESH] === 0);
}

export function getSF(fl: Int32Array): boolean {
  if (fl[F_OP] === EAGER) return (fl[F_EAGER] & FLAG_SF) !== 0;
  return signOf(fl[F_SZ], fl[F_RES], fl[F_RESH]) !== 0;
}

export function getPF(fl: Int32Array): boolean {
  if (fl[F_OP] === EAGER) return (fl[F_EAGER] & FLAG_PF) !== 0;
  return PARITY[fl[F_RES] & 0xff] !== 0;
}

export function getOF(fl: Int32Array): boolean {
  const sz = fl[F_SZ];
  switch (fl[F_OP]) {
    case ADD: {
      // Overflow when both inputs share a sign that the result does not.
      const d = signOf(sz, fl[F_DST], fl[F_DSTH]), s = signOf(sz, fl[F_SRC], fl[F_SRCH]);
      return d === s && d !== signOf(sz, fl[F_RES], fl[F_RESH]);
    }
    case SUB: {
      const d = signOf(sz, fl[F_DST], fl[F_DSTH]), s = signOf(sz, fl[F_SRC], fl[F_SRCH]);
      return d !== s && d !== signOf(sz, fl[F_RES], fl[F_RESH]);
    }
    case LOGIC:
      return false;
    case INC: // result is the most negative value
      return signOf(sz, fl[F_RES], fl[F_RESH]) === 1 && isSignMin(sz, fl[F_RES], fl[F_RESH]);
    case DEC: // the operand was the most negative value
      return signOf(sz, fl[F_RES], fl[F_RESH]) === 0 && isSignMin(sz, fl[F_DST], fl[F_DSTH]);
    default:
      return (fl[F_EAGER] & FLAG_OF) !== 0;
  }
}

function isSignMin(sz: number, lo: number, hi: number): boolean {
  if (sz === 64) return lo === 0 && hi === (0x80000000 | 0);
  if (sz === 32) return lo === (0x80000000 | 0);
  return lo === 1 << (sz - 1);
}

export function getAF(fl: Int32Array): boolean {
  switch (fl[F_OP]) {
    case ADD:
    case SUB:
      return ((fl[F_DST] ^ fl[F_SRC] ^ fl[F_RES]) & 0x10) !== 0;
    case LOGIC:
      return false;
    case INC:
      return (fl[F_RES] & 0xf) === 0;
    case DEC:
      return (fl[F_RES] & 0xf) === 0xf;
    default:
      return (fl[F_EAGER] & FLAG_AF) !== 0;
  }
}

/** The six arithmetic flags as RFLAGS bits. */
export function arithFlags(fl: Int32Array): number {
  if (fl[F_OP] === EAGER) return fl[F_EAGER];
  return (
    (getCF(fl) ? FLAG_CF : 0) |
    (getPF(fl) ? FLAG_PF : 0) |
    (getAF(fl) ? FLAG_AF : 0) |
    (getZF(fl) ? FLAG_ZF : 0) |
    (getSF(fl) ? FLAG_SF : 0) |
    (getOF(fl) ? FLAG_OF : 0)
  );
}

/** Store the six arithmetic flags eagerly (other bits of `bits` are ignored). */
export function setArithFlags(fl: Int32Array, bits: number): void {
  fl[F_OP] = EAGER;
  fl[F_EAGER] = bits & (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF);
}

/**
 * Put the flags in their one canonical form: the six flags stored eagerly and
 * every other word zero. The lazy words are a cache of EFLAGS, not state: two
 * runs with the same EFLAGS may hold different words (the JIT skips records
 * nothing reads), so snapshots and state digests take this form.
 */
export function canonicalFlags(fl: Int32Array): void {
  const bits = arithFlags(fl);
  fl.fill(0);
  fl[F_EAGER] = bits;
}

/** Eager ZF/SF/PF of a result at a size (for shifts, rotates, bit ops…). */
export function szpOf(sz: number, lo: number, hi: number): number {
  const zero = sz === 64 ? lo === 0 && hi === 0 : lo === 0;
  return (zero ? FLAG_ZF : 0) | (signOf(sz, lo, hi) ? FLAG_SF : 0) | PARITY[lo & 0xff];
}

/** Record a lazy operation. Values must already be truncated to `sz`. */
export function setLazy(
  fl: Int32Array, op: number, sz: number,
  res: number, resh: number, dst: number, dsth: number, src: number, srch: number,
): void {
  fl[F_OP] = op;
  fl[F_SZ] = sz;
  fl[F_RES] = res;
  fl[F_RESH] = resh;
  fl[F_DST] = dst;
  fl[F_DSTH] = dsth;
  fl[F_SRC] = src;
  fl[F_SRCH] = srch;
}

/**
 * setLazy for sizes 8/16/32: the readers above use the high halves (F_RESH,
 * F_DSTH, F_SRCH) only when the recorded size is 64, so they are not written
 * (3 stores fewer on the hot ALU paths). Values must already be truncated to `sz`.
 */
export function setLazy32(fl: Int32Array, op: number, sz: number, res: number, dst: number, src: number): void {
  fl[F_OP] = op;
  fl[F_SZ] = sz;
  fl[F_RES] = res;
  fl[F_DST] = dst;
  fl[F_SRC] = src;
}

/** INC/DEC keep CF: capture it before recording the new operation. */
export function setIncDec(fl: Int32Array, op: number, sz: number, res: number, resh: number, dst: number, dsth: number): void {
  const cf = getCF(fl) ? FLAG_CF : 0;
  fl[F_EAGER] = cf;
  setLazy(fl, op, sz, res, resh, dst, dsth, 1, 0);
}

/**
 * Evaluate condition code cc (0–15: O NO B AE E NE BE A S NS P NP L GE LE G),
 * SDM Vol. 1 Appendix B.
 */
export function cond(fl: Int32Array, cc: number): boolean {
  // Fast path: compare results of SUB without materialising flags.
  if (fl[F_OP] === SUB) {
    const sz = fl[F_SZ];
    switch (cc >> 1) {
      case 1: return below(sz, fl[F_DST], fl[F_DSTH], fl[F_SRC], fl[F_SRCH]) !== ((cc & 1) === 1);
      case 2: return getZF(fl) !== ((cc & 1) === 1);
      case 6: return lessSigned(fl) !== ((cc & 1) === 1);
      case 7: return (getZF(fl) || lessSigned(fl)) !== ((cc & 1) === 1);
    }
  }
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = getOF(fl); break;
    case 1: r = getCF(fl); break;
    case 2: r = getZF(fl); break;
    case 3: r = getCF(fl) || getZF(fl); break;
    case 4: r = getSF(fl); break;
    case 5: r = getPF(fl); break;
    case 6: r = getSF(fl) !== getOF(fl); break;
    default: r = getZF(fl) || getSF(fl) !== getOF(fl); break;
  }
  return (cc & 1) === 0 ? r : !r;
}

/** For SUB: dst < src as signed values at the recorded size (SF != OF). */
function lessSigned(fl: Int32Array): boolean {
  const sz = fl[F_SZ];
  if (sz === 64) {
    const dh = fl[F_DSTH], sh = fl[F_SRCH];
    return dh !== sh ? dh < sh : fl[F_DST] >>> 0 < fl[F_SRC] >>> 0;
  }
  if (sz === 32) return fl[F_DST] < fl[F_SRC];
  const shift = 32 - sz;
  return (fl[F_DST] << shift) >> shift < (fl[F_SRC] << shift) >> shift;
}
