/**
 * Helpers generated code calls on its rare paths: the exact effective
 * address, and condition codes/CF of flags not known at compile time (the
 * interpreter's own flags.ts on a scratch copy of the flag locals).
 */
import { GuestFault } from '../fault.ts';
import { FLAGS_WORDS, PARITY, cond } from '../flags.ts';
import { linearAddress } from '../operands.ts';
import { flagsOut, hiOut, sar32, sar64, shl32, shl64, shr32, shr64 } from '../exec/shiftcore.ts';

const scratch = new Int32Array(FLAGS_WORDS);
const M64 = (1n << 64n) - 1n;

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export const RUNTIME = {
  /** The interpreter's shift cores (exec/shiftcore.ts): value, then its high half and flags from hi()/flags(). */
  shl32, shr32, sar32, shl64, shr64, sar64,
  hi: (): number => hiOut,
  /** PF of a byte (flags.ts): FLAG_PF when it has an even number of 1 bits. */
  PARITY,
  flags: (): number => flagsOut,
  /**
   * base + index·2^scale + disp modulo 2^64, then the canonical check of
   * operands.ts linearAddress (#GP(0), or #SS(0) for RSP/RBP bases): the
   * interpreter's eaExact, for operands the fast path in emit-mem.ts rejected.
   */
  eaExact(bl: number, bh: number, xl: number, xh: number, scale: number, disp: number, vector: number): number {
    const off = (u64(bl, bh) + (u64(xl, xh) << BigInt(scale)) + BigInt(disp)) & M64;
    return linearAddress(Number(off & 0xffffffffn) | 0, Number(off >> 32n) | 0, 0, vector);
  },
  /** flags.ts cond on the nine flag locals. */
  cond(cc: number, fo: number, fz: number, fr: number, frh: number, fd: number, fdh: number, fs: number, fsh: number, fe: number): boolean {
    scratch[0] = fo; scratch[1] = fz; scratch[2] = fr; scratch[3] = frh;
    scratch[4] = fd; scratch[5] = fdh; scratch[6] = fs; scratch[7] = fsh; scratch[8] = fe;
    return cond(scratch, cc);
  },
};

export type Runtime = typeof RUNTIME;
export { GuestFault };
