import { describe, expect, it } from 'vitest';
import { decodeExit, detachExit } from '../../../src/core/uapi/exit.ts';
import {
  KVM_RUN_EXIT_OFFSET as X,
  KvmExitReason,
  exitReasonName,
  kvmRun,
  kvmRunDebug,
  kvmRunInternal,
  kvmRunIo,
  kvmRunMmio,
} from '../../../src/core/uapi/kvm-run.ts';

/** A made-up kvm_run page plus the PIO data page, as KVM maps them. */
function page(): Uint8Array {
  return new Uint8Array(8192);
}

describe('decodeExit', () => {
  it('decodes an OUT with its data as a view into the page', () => {
    const p = page();
    kvmRun.set(p, 'exit_reason', KvmExitReason.IO);
    kvmRunIo.encodeInto({ direction: 1, size: 1, port: 0x3f8, count: 2, data_offset: 4096n }, p, X);
    p.set([0x48, 0x69], 4096);
    const exit = decodeExit(p);
    expect(exit).toMatchObject({ kind: 'io', reason: 2, direction: 'out', port: 0x3f8, size: 1, count: 2 });
    if (exit.kind !== 'io') throw new Error('not io');
    expect(Array.from(exit.data)).toEqual([0x48, 0x69]);
    exit.data[0] = 0x21; // completing an IN writes through to the page
    expect(p[4096]).toBe(0x21);
    const copy = detachExit(exit);
    p[4096] = 0;
    expect(copy.kind === 'io' && copy.data[0]).toBe(0x21);
  });

  it('decodes an IN direction, MMIO, DEBUG and INTERNAL_ERROR', () => {
    const p = page();
    kvmRun.set(p, 'exit_reason', KvmExitReason.IO);
    kvmRunIo.encodeInto({ direction: 0, size: 4, port: 0x60, count: 1, data_offset: 4096n }, p, X);
    expect(decodeExit(p)).toMatchObject({ kind: 'io', direction: 'in', size: 4 });

    kvmRun.set(p, 'exit_reason', KvmExitReason.MMIO);
    kvmRunMmio.encodeInto({ phys_addr: 0xfee00000n, data: new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]), len: 4, is_write: 1 }, p, X);
    const mmio = decodeExit(p);
    expect(mmio).toMatchObject({ kind: 'mmio', physAddr: 0xfee00000n, isWrite: true });
    expect(mmio.kind === 'mmio' && Array.from(mmio.data)).toEqual([1, 2, 3, 4]);

    kvmRun.set(p, 'exit_reason', KvmExitReason.DEBUG);
    kvmRunDebug.encodeInto({ exception: 1, pc: 0x10000n, dr6: 0xffff4ff0n, dr7: 0x400n }, p, X);
    expect(decodeExit(p)).toEqual({ kind: 'debug', reason: 4, exception: 1, pc: 0x10000n, dr6: 0xffff4ff0n, dr7: 0x400n });

    kvmRun.set(p, 'exit_reason', KvmExitReason.INTERNAL_ERROR);
    const data = Array.from({ length: 16 }, (_, i) => BigInt(i));
    kvmRunInternal.encodeInto({ suberror: 1, ndata: 3, data }, p, X);
    expect(decodeExit(p)).toEqual({ kind: 'internal-error', reason: 17, suberror: 1, data: [0n, 1n, 2n] });
  });

  it('reports HLT and SHUTDOWN, and unknown reasons as unsupported', () => {
    const p = page();
    kvmRun.set(p, 'exit_reason', KvmExitReason.HLT);
    expect(decodeExit(p)).toEqual({ kind: 'hlt', reason: 5 });
    kvmRun.set(p, 'exit_reason', KvmExitReason.SHUTDOWN);
    expect(decodeExit(p)).toEqual({ kind: 'shutdown', reason: 8 });
    kvmRun.set(p, 'exit_reason', 36);
    expect(decodeExit(p)).toEqual({ kind: 'unsupported', reason: 36 });
  });

  it('names exit reasons', () => {
    expect(exitReasonName(5)).toBe('KVM_EXIT_HLT');
    expect(exitReasonName(17)).toBe('KVM_EXIT_INTERNAL_ERROR');
    expect(exitReasonName(999)).toBe('KVM_EXIT_999');
  });
});
