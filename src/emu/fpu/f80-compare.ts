/**
 * Comparisons (Intel SDM Vol. 2 FCOM/FUCOM/FCOMI/FUCOMI/FTST/FICOM):
 * ordered compares raise #IA on any NaN, unordered ("U") ones only on an
 * SNaN; unsupported encodings are always #IA; denormals raise #D. ±0 are equal.
 */
import {
  type F80Ctx, C0, C2, C3, DE, IE, INF, SNAN, UNSUPPORTED, ZERO,
  begin, classify, hasDenormal, isNaNClass, raise,
} from './f80.ts';
import { FLAG_CF, FLAG_PF, FLAG_ZF } from '../regs.ts';
import { unpack } from './f80-round.ts';

export const CMP_GT = 0, CMP_LT = 1, CMP_EQ = 2, CMP_UNORDERED = 3;

const wa = new Uint32Array(3), wb = new Uint32Array(3);

/**
 * Compare a with b; returns CMP_GT/LT/EQ/UNORDERED and sets c.flags (IE, DE;
 * c.store = false when one of them is unmasked: then the condition codes are
 * left alone). `unordered` selects the FUCOM family's quiet-NaN rule.
 */
export function fcompare(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number, unordered: boolean): number {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (ka === UNSUPPORTED || kb === UNSUPPORTED) {
    raise(c, IE);
    return CMP_UNORDERED;
  }
  if (isNaNClass(ka) || isNaNClass(kb)) {
    if (!unordered || ka === SNAN || kb === SNAN) raise(c, IE);
    return CMP_UNORDERED;
  }
  if (hasDenormal(c, ka, kb)) raise(c, DE);
  const sa = aSe >>> 15, sb = bSe >>> 15;
  if (ka === ZERO && kb === ZERO) return CMP_EQ;
  if (ka === ZERO) return sb ? CMP_GT : CMP_LT;
  if (kb === ZERO) return sa ? CMP_LT : CMP_GT;
  if (sa !== sb) return sa ? CMP_LT : CMP_GT;
  const m = magnitude(aSe, aHi, aLo, ka, bSe, bHi, bLo, kb);
  return m === 0 ? CMP_EQ : (m > 0) !== (sa === 1) ? CMP_GT : CMP_LT;
}

/** Sign of |a| − |b| for non-zero, non-NaN operands (denormals normalized). */
function magnitude(aSe: number, aHi: number, aLo: number, ka: number, bSe: number, bHi: number, bLo: number, kb: number): number {
  if (ka === INF || kb === INF) return ka === kb ? 0 : ka === INF ? 1 : -1;
  const ea = unpack(wa, aSe, aHi, aLo), eb = unpack(wb, bSe, bHi, bLo);
  if (ea !== eb) return ea > eb ? 1 : -1;
  if (wa[0] !== wb[0]) return wa[0] > wb[0] ? 1 : -1;
  return wa[1] === wb[1] ? 0 : wa[1] > wb[1] ? 1 : -1;
}

/** FSW condition codes C3 C2 C0 of a compare result (C1 is cleared by the instructions). */
export const CMP_CC = [0, C0, C3, C3 | C2 | C0];

/** RFLAGS ZF PF CF of a compare result for FCOMI/FUCOMI (OF, SF, AF are cleared). */
export const CMP_EFLAGS = [0, FLAG_CF, FLAG_ZF, FLAG_ZF | FLAG_PF | FLAG_CF];
