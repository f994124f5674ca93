/**
 * The committed benchmark guest (bench/guest/bench.bin) runs to HLT on
 * /dev/kvm with the checksum its C source computes on the host. Correctness
 * only; timing belongs to `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { BENCH_EXPECTED_CHECKSUM, runNative } from '../../../bench/native.ts';
import { kvmSkipReason } from './available.ts';

describe.skipIf(kvmSkipReason('bench guest on /dev/kvm'))('bench guest on /dev/kvm', () => {
  it('computes the expected checksum at CPL3, twice over with repeat 2', () => {
    const one = runNative({ repeat: 1 });
    expect(one.exitReason).toBe('KVM_EXIT_HLT');
    expect(one.checksum).toBe(BENCH_EXPECTED_CHECKSUM);
    const two = runNative({ repeat: 2 });
    expect(two.checksum).toBe(BENCH_EXPECTED_CHECKSUM);
    expect(two.repeat).toBe(2);
  });
});
