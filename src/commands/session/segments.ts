/**
 * The segment registers as a debugger shows them next to the register file:
 * the six selectors and the FS/GS bases, from KVM_GET_SREGS (struct
 * kvm_sregs: each segment's `selector` and `base`). Read-only: a selector
 * written alone (without its cached descriptor) is not what a user means,
 * and nothing here needs to write them yet.
 */
import type { VcpuFd } from '../../core/api/index.ts';
import type { RegisterSet } from './types.ts';

/** cs, ss, ds, es, fs, gs (selectors), fs_base, gs_base. */
export function readSegments(vcpu: VcpuFd): RegisterSet {
  const s = vcpu.getSregs();
  return {
    cs: BigInt(s.cs.selector),
    ss: BigInt(s.ss.selector),
    ds: BigInt(s.ds.selector),
    es: BigInt(s.es.selector),
    fs: BigInt(s.fs.selector),
    gs: BigInt(s.gs.selector),
    fs_base: s.fs.base,
    gs_base: s.gs.base,
  };
}
