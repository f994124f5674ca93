/**
 * The VEX prefix (SDM Vol. 2 §2.3.5–2.3.6), for decode.ts. In 64-bit mode C4
 * and C5 always start a VEX prefix (LES/LDS do not exist there):
 *
 *   C4  [R̄ X̄ B̄ m-mmmm] [W v̄v̄v̄v̄ L pp]   three-byte form
 *   C5  [R̄ v̄v̄v̄v̄ L pp]                  two-byte form: X̄ = B̄ = 1, m-mmmm = 00001 (0F), W = 0
 *
 * R̄, X̄, B̄ and vvvv are stored inverted. pp is an implied mandatory prefix
 * (0 none, 1 66, 2 F3, 3 F2), which is the decoder's prefix-class order.
 */
import type { OpRow } from './opcodes/row.ts';

/** The C4 form's first payload byte a C5 prefix stands for: R̄ from its payload, X̄ = B̄ = 1, map 0F. */
export function c5AsC4(p: number): number {
  return (p & 0x80) | 0x61;
}

/**
 * Whether the row's VEX columns accept the encoding's L, W and vvvv
 * (SDM Vol. 2 §2.3.12: a VEX.L or VEX.W the form does not ignore must match,
 * and VEX.vvvv must be 1111b when it names no operand; else #UD).
 */
export function vexFits(row: OpRow, l: number, w: number, vvvv: number): boolean {
  const v = row.vex;
  if (v === undefined) return false;
  return (v.l === 'ig' || v.l === l) && (v.w === 'ig' || v.w === w) && (v.vvvv || vvvv === 0);
}
