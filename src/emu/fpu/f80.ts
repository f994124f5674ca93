/**
 * x87 double-extended values (80-bit, explicit integer bit; Intel SDM Vol. 1
 * 4.2.2 / 8.2.2) and the context every f80 operation works in.
 *
 * A value travels as three numbers: `se` = sign (bit 15) | biased exponent
 * (bits 14–0, bias 16383), and the 64-bit significand as unsigned 32-bit
 * halves `hi` (bit 31 = the explicit integer bit J) and `lo`. Operations take
 * their operands as such triples and write their result into an F80Ctx, so
 * the hot path allocates nothing.
 */

// FSW bits (SDM Vol. 1 8.1.3, Figure 8-4); an F80Ctx's `flags` uses the same positions.
export const IE = 0x0001, DE = 0x0002, ZE = 0x0004, OE = 0x0008, UE = 0x0010, PE = 0x0020;
export const SF = 0x0040, ES = 0x0080, C0 = 0x0100, C1 = 0x0200, C2 = 0x0400, C3 = 0x4000, B = 0x8000;
export const EXC_MASK = 0x003f;
export const CC_MASK = C0 | C1 | C2 | C3;
export const TOP_SHIFT = 11;

// FCW fields (SDM Vol. 1 8.1.5, Figure 8-6): bits 0–5 mask the exceptions above.
export const PC_SHIFT = 8, RC_SHIFT = 10;
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
export const FCW_DEFAULT = 0x037f; // FNINIT: all masked, PC = 64 bits, RC = nearest

/** The significand precision selected by FCW.PC (SDM Vol. 1 Table 8-2; 01 is reserved, taken as 64 like hardware). */
export function precisionOf(cw: number): number {
  const pc = (cw >>> PC_SHIFT) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;

// Classes of an encoding (SDM Vol. 1 Table 8-3 and 8.2.2's unsupported encodings).
export const ZERO = 0, DENORMAL = 1, NORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

/**
 * Class of an 80-bit encoding. DENORMAL includes pseudo-denormals (exponent 0,
 * J = 1), which the x87 accepts as operands like denormals (SDM 8.2.2);
 * UNSUPPORTED is an unnormal, pseudo-NaN or pseudo-infinity (J = 0 with a
 * non-zero exponent), which raises #IA as an operand.
 */
export function classify(se: number, hi: number, lo: number): number {
  const e = se & EXP_MAX;
  if (e === 0) return (hi | lo) === 0 ? ZERO : DENORMAL;
  if ((hi & 0x80000000) === 0) return UNSUPPORTED;
  if (e !== EXP_MAX) return NORMAL;
  if ((hi & 0x7fffffff) === 0 && lo === 0) return INF;
  return hi & 0x40000000 ? QNAN : SNAN;
}

export function isNaNClass(k: number): boolean {
  return k === QNAN || k === SNAN;
}

/**
 * Where an operation puts its result and reports what happened. Set `cw`
 * (the FCW) before an operation; each operation then resets `flags` and
 * `store` and fills them in.
 */
export class F80Ctx {
  /** FCW: exception masks, PC and RC. */
  cw = FCW_DEFAULT;
  /**
   * FSW bits the operation produced: exception flags IE..PE (masked or not)
   * and C0..C3 where the operation defines them (C1 = "rounded up" for
   * rounding operations, SDM 8.1.3.1; quotient bits for FPREM; class for FXAM).
   */
  flags = 0;
  /**
   * False when an unmasked exception stops the operation before it has a
   * result (IE, ZE, DE, and for memory destinations OE/UE): the destination
   * must be left as it was (SDM Vol. 1 8.5 and 4.9.2).
   */
  store = true;
  se = 0;
  hi = 0;
  lo = 0;
  /**
   * Set by the caller while an operand that came from a denormal binary32/64
   * memory operand is in use: it is normal as 80 bits, yet the instruction
   * raises #D for it (SDM Vol. 1 8.5.2) at the point a denormal register
   * operand would (so #Z and #IA still outrank it).
   */
  memDenormal = false;
  /** Second result: FXTRACT's exponent. */
  se2 = 0;
  hi2 = 0;
  lo2 = 0;
}

export function begin(c: F80Ctx): void {
  c.flags = 0;
  c.store = true;
}

export function setResult(c: F80Ctx, se: number, hi: number, lo: number): void {
  c.se = se & 0xffff;
  c.hi = hi >>> 0;
  c.lo = lo >>> 0;
}

/** The x87 "real indefinite" QNaN, 0xFFFF C000000000000000 (SDM Vol. 1 4.8.3.7). */
export const INDEF_SE = 0xffff, INDEF_HI = 0xc0000000;

export function setIndefinite(c: F80Ctx): void {
  setResult(c, INDEF_SE, INDEF_HI, 0);
}

export function setInf(c: F80Ctx, sign: number): void {
  setResult(c, (sign << 15) | EXP_MAX, 0x80000000, 0);
}

export function setZero(c: F80Ctx, sign: number): void {
  setResult(c, sign << 15, 0, 0);
}

/** Raise `flag`; true (and `store` cleared) when it is unmasked, so the caller stops without a result. */
export function raise(c: F80Ctx, flag: number): boolean {
  c.flags |= flag;
  if ((c.cw & flag) === 0) {
    c.store = false;
    return true;
  }
  return false;
}

/** Invalid operation (#IA): masked response is the real indefinite (SDM Vol. 1 8.5.1.2). */
export function invalid(c: F80Ctx): void {
  if (!raise(c, IE)) setIndefinite(c);
}

/** A NaN operand's result: the NaN made quiet; an SNaN raises #IA (SDM Vol. 1 4.8.3.5, 8.5.1.2). */
export function propagateNaN1(c: F80Ctx, se: number, hi: number, lo: number, k: number): void {
  if (k === SNAN && raise(c, IE)) return;
  setResult(c, se, hi | 0x40000000, lo);
}

/**
 * Two operands, at least one a NaN (SDM Vol. 1 Table 4-7, x87 column): a
 * single NaN is the result; SNaN and QNaN give the QNaN; two of one kind give
 * the one with the larger significand, and on equal significands the
 * positive one (as the reference hardware does). Any SNaN raises #IA.
 */
export function propagateNaN2(
  c: F80Ctx,
  aSe: number, aHi: number, aLo: number, ka: number,
  bSe: number, bHi: number, bLo: number, kb: number,
): void {
  if ((ka === SNAN || kb === SNAN) && raise(c, IE)) return;
  let pickA: boolean;
  if (!isNaNClass(kb)) pickA = true;
  else if (!isNaNClass(ka)) pickA = false;
  else if (ka !== kb) pickA = ka === QNAN;
  else {
    const ah = aHi & 0x3fffffff, bh = bHi & 0x3fffffff;
    pickA = ah !== bh ? ah > bh : aLo !== bLo ? aLo > bLo : (aSe & 0x8000) === 0;
  }
  if (pickA) setResult(c, aSe, aHi | 0x40000000, aLo);
  else setResult(c, bSe, bHi | 0x40000000, bLo);
}

/**
 * The common operand screen of a two-operand arithmetic operation: an
 * unsupported encoding is invalid, a NaN propagates, a denormal raises #D
 * (which stops the operation when unmasked). Returns true when the result
 * is settled (or suppressed) and the operation must not go on.
 */
export function screen2(
  c: F80Ctx,
  aSe: number, aHi: number, aLo: number, ka: number,
  bSe: number, bHi: number, bLo: number, kb: number,
): boolean {
  if (ka === UNSUPPORTED || kb === UNSUPPORTED) {
    invalid(c);
    return true;
  }
  if (isNaNClass(ka) || isNaNClass(kb)) {
    propagateNaN2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb);
    return true;
  }
  return false;
}

/** Whether the operation sees a denormal operand (#D). */
export function hasDenormal(c: F80Ctx, ka: number, kb: number): boolean {
  return ka === DENORMAL || kb === DENORMAL || c.memDenormal;
}

/** FCHS / FABS: sign-only, no exception even for NaNs (SDM Vol. 2 FCHS/FABS); C1 cleared. */
export function fchs(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  setResult(c, se ^ 0x8000, hi, lo);
}

export function fabs(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  setResult(c, se & 0x7fff, hi, lo);
}

/** FXAM's C3 C2 C0 for a non-empty register, and C1 = sign (SDM Vol. 2 FXAM). */
export function fxamFlags(se: number, hi: number, lo: number): number {
  const sign = se & 0x8000 ? C1 : 0;
  switch (classify(se, hi, lo)) {
    case UNSUPPORTED: return sign;
    case QNAN: case SNAN: return sign | C0;
    case NORMAL: return sign | C2;
    case INF: return sign | C2 | C0;
    case ZERO: return sign | C3;
    default: return sign | C3 | C2; // denormal
  }
}

/** FXAM of an empty register: C3 = 1, C0 = 1 (C1 is the sign of whatever the register holds). */
export const FXAM_EMPTY = C3 | C0;
