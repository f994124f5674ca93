/**
 * Reading (and writing) the stopped guest's state for the debugger: the
 * register file (R16–R31 through the XSAVE area's APX component when the
 * vCPU has APX), guest virtual memory through the current CR3 or another
 * process's, the counters of the VM, the vCPU and the VMM, and facts about
 * the vCPU.
 */
import { Counters } from '../../core/counters.ts';
import { Errno, KvmError } from '../../core/uapi/errors.ts';
import { KvmCap } from '../../core/uapi/ioctls.ts';
import { readApxComponent, writeApxComponent } from '../../core/uapi/xsave.ts';
import { PageWalkError, SessionError } from '../errors.ts';
import type { Machine } from './machine.ts';
import { pagingOf, readVirtual, writeVirtual, type PhysicalRange } from './memory.ts';
import { EGPRS, readRegisters, registerClass, writeRegister, XCR0_APX } from './registers.ts';
import type { RegisterSet, VcpuInfo } from './types.ts';

const EGPRS_UNAVAILABLE = 'R16–R31 cannot be read or written: this backend has no KVM_GET_XSAVE2 (KVM_CAP_XSAVE2)';

export function registers(m: Machine): RegisterSet {
  const { set, xcr0 } = readRegisters(m.vcpu);
  if (xcr0 & XCR0_APX) {
    const egprs = readEgprs(m);
    if (egprs !== null) {
      const out: RegisterSet = {};
      for (const [k, v] of Object.entries(set)) {
        out[k] = v;
        if (k === 'r15') egprs.forEach((x, i) => (out[EGPRS[i]] = x));
      }
      return out;
    }
  }
  return set;
}

/**
 * R16–R31 through the uAPI: the APX component (19) of the guest's XSAVE
 * area (KVM_GET_XSAVE2), as Chang Bae's APX series exposes them; null when
 * the backend has no XSAVE uAPI.
 */
function readEgprs(m: Machine): bigint[] | null {
  if (!m.kvm.hasExtension(KvmCap.XSAVE2)) return null;
  return readApxComponent(m.vcpu.getXsave2());
}

/** Writes register `name` (with or without `$`, any case) through its uAPI call; returns the canonical name. */
export function setRegister(m: Machine, name: string, value: bigint): string {
  const n = name.replace(/^\$/, '').toLowerCase();
  const cls = registerClass(n);
  if (cls === undefined) throw new SessionError('no-such-reg', `no register '${name}'`);
  if (value < 0n || value >> 64n !== 0n) throw new SessionError('bad-args', `value ${value} does not fit in 64 bits`);
  if (cls === 'apx') {
    if (!(guestXcr0(m) & XCR0_APX)) throw new SessionError('no-such-reg', `no register $${n} on this vCPU: R16–R31 exist only with APX enabled (XCR0.APX = 0)`);
    if (readEgprs(m) === null) throw new SessionError('unsupported', `$${n}: ${EGPRS_UNAVAILABLE}`);
    // Read-modify-write of the XSAVE area's APX component (KVM_GET_XSAVE2 / KVM_SET_XSAVE).
    const area = m.vcpu.getXsave2();
    const regs = readApxComponent(area);
    regs[EGPRS.indexOf(n)] = value;
    writeApxComponent(area, regs);
    m.vcpu.setXsave(area);
    return n;
  }
  try {
    writeRegister(m.vcpu, n, value);
  } catch (e) {
    if (e instanceof KvmError) {
      // KVM_SET_SREGS' EINVAL says nothing more on /dev/kvm: name the checks (x86.c kvm_is_valid_sregs, kvm_is_valid_cr4/cr0).
      const why = e.ioctl === 'KVM_SET_SREGS' && e.errno === Errno.EINVAL
        ? `; KVM refuses control-register values its checks do not allow (reserved bits, features this vCPU's CPUID lacks, the long-mode rules); $${n} is unchanged`
        : '';
      throw new SessionError('bad-args', `cannot set $${n} = 0x${value.toString(16)}: ${e.message}${why}`, { cause: e });
    }
    throw e;
  }
  return n;
}

/**
 * `len` bytes of guest virtual memory at `addr` through the current CR3, or
 * through `cr3` (another process's address space); throws naming the page
 * walk's failure.
 */
export function readMemory(m: Machine, addr: bigint, len: number, cr3?: bigint): Uint8Array {
  if (!Number.isSafeInteger(len) || len < 0 || len > MAX_ACCESS) throw new SessionError('bad-args', `bad length ${len}`);
  try {
    return readVirtual(m.memory, pagingOf(m.vcpu, cr3), addr, len);
  } catch (e) {
    throw notMapped('read', e);
  }
}

/**
 * Writes `data` at guest virtual `addr` through the current CR3 or `cr3`,
 * ignoring page protections as a debugger does; nothing is written when a
 * page does not translate (throws, naming it).
 */
export function writeMemory(m: Machine, addr: bigint, data: Uint8Array, cr3?: bigint): PhysicalRange[] {
  if (data.length > MAX_ACCESS) throw new SessionError('bad-args', `bad length ${data.length}`);
  try {
    return writeVirtual(m.memory, pagingOf(m.vcpu, cr3), addr, data);
  } catch (e) {
    throw notMapped('write', e);
  }
}

/** The most one read or write moves (1 MiB). */
const MAX_ACCESS = 1 << 20;

/** A page walk's failure as the session's 'unreadable' error. */
export function notMapped(what: 'read' | 'write', e: unknown): unknown {
  if (!(e instanceof PageWalkError)) return e;
  return new SessionError('unreadable', `cannot ${what} 0x${e.addr.toString(16)}: not mapped: ${e.reason}`, { cause: e });
}

/** The VM's, the vCPU's and the VMM's counters, summed by name. */
export function counters(m: Machine): Readonly<Record<string, number>> {
  const c = new Counters();
  for (const src of [m.vm.counters(), m.vcpu.counters(), m.vmm.snapshot()]) for (const [k, v] of Object.entries(src)) c.inc(k, v);
  return c.snapshot();
}

/** XCR0, APX, and on emu who owns the debug registers (`hostDebug`: the session's KVM_SET_GUEST_DEBUG turned debugging on). */
export function vcpuInfo(m: Machine, hostDebug: boolean): VcpuInfo {
  const xcr0 = guestXcr0(m);
  const info: VcpuInfo = { backend: m.name, guestXcr0: xcr0, apx: (xcr0 & XCR0_APX) !== 0n };
  if (info.apx && readEgprs(m) === null) info.egprsUnavailable = EGPRS_UNAVAILABLE;
  if (m.name === 'emu') {
    const c = m.vcpu.counters();
    info.drOwnership = hostDebug ? 'host-debug' : (c['dr.wont_exit'] ?? 0) > 0 ? 'guest-loaded' : 'intercepting';
  }
  return info;
}

function guestXcr0(m: Machine): bigint {
  return m.vcpu.getXcrs().xcrs.find((x) => x.xcr === 0)?.value ?? 0n;
}
