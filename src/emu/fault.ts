/**
 * Guest faults and VM-exit signals. A handler raises a fault by throwing a
 * GuestFault; only the CPU's step loop catches it (style.md, src/emu §6).
 * Host bugs stay plain Errors.
 */

// Exception vectors (SDM Vol. 3 §6.3.1).
export const DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8;
export const TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

export const VECTOR_NAMES: Readonly<Record<number, string>> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC', 19: '#XM',
};

/** Vectors that push an error code (SDM Vol. 3 Table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === DF || (vector >= TS && vector <= PF) || vector === AC;
}

/**
 * Errors, so that one escaping by a bug reads as a message and a stack, never
 * as `[object Object]`; the CPU's step loop catches them all.
 */
export class GuestFault extends Error {
  constructor(
    public vector: number,
    public errorCode: number = -1,
  ) {
    // A guest exception is control flow of the emulated CPU, thrown at every
    // #PF/#GP: no host stack is worth capturing (capturing costs ~8 µs a throw).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`guest fault ${VECTOR_NAMES[vector] ?? `vector ${vector}`}${errorCode >= 0 ? ` (error code ${errorCode})` : ''}`);
    Error.stackTraceLimit = limit;
  }
  override get name(): string {
    return VECTOR_NAMES[this.vector] ?? `vector ${this.vector}`;
  }
}

/** Raise an exception. `errorCode` -1 means none is pushed. */
export function fault(vec: number, errorCode = -1): never {
  throw new GuestFault(vec, errorCode);
}

export const ud = (): never => fault(UD);
export const gp0 = (): never => fault(GP, 0);

/**
 * Thrown (as the single preallocated instance) when an instruction causes a
 * VM-exit before it executes; the step loop rewinds RIP to the instruction
 * and returns the exit recorded in cpu.exit.
 */
export class VmExitSignal extends Error {
  constructor() {
    super('emulated CPU: a VM-exit signal escaped the step loop');
  }
}
export const VM_EXIT = new VmExitSignal();
