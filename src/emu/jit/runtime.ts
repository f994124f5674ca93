/**
 * Helpers generated code calls: the interpreter's shift cores and parity
 * table, and condition codes/CF of flags not known at compile time (the
 * interpreter's own flags.ts on a scratch copy of the flag locals).
 */
import { FLAGS_WORDS, PARITY, cond } from '../flags.ts';
import { flagsOut, hiOut, sar32, sar64, shl32, shl64, shr32, shr64 } from '../exec/shiftcore.ts';

const scratch = new Int32Array(FLAGS_WORDS);

export const RUNTIME = {
  /** The interpreter's shift cores (exec/shiftcore.ts): value, then its high half and flags from hi()/flags(). */
  shl32, shr32, sar32, shl64, shr64, sar64,
  hi: (): number => hiOut,
  /** PF of a byte (flags.ts): FLAG_PF when it has an even number of 1 bits. */
  PARITY,
  flags: (): number => flagsOut,
  /** flags.ts cond on the nine flag locals. */
  cond(cc: number, fo: number, fz: number, fr: number, frh: number, fd: number, fdh: number, fs: number, fsh: number, fe: number): boolean {
    scratch[0] = fo; scratch[1] = fz; scratch[2] = fr; scratch[3] = frh;
    scratch[4] = fd; scratch[5] = fdh; scratch[6] = fs; scratch[7] = fsh; scratch[8] = fe;
    return cond(scratch, cc);
  },
};
