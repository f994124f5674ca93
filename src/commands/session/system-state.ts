/**
 * The vCPU's system state for the debugger's VM-state commands (`info
 * segments`, `info msr`, `info gdt`/`idt`, `info mem`/`tlb`, `translate`,
 * `x … phys` / `x … cr3 X`): segment registers with their descriptor caches
 * and the descriptor-table registers (KVM_GET_SREGS), MSRs (KVM_GET_MSRS),
 * guest-physical memory, and linear → physical through any CR3.
 */
import { SessionError } from '../errors.ts';
import { notMapped } from './inspect.ts';
import type { Machine } from './machine.ts';
import { pagingOf, translate } from './memory.ts';
import type { SegmentName, SegmentView, SystemState } from './types.ts';

const SEGMENTS: readonly SegmentName[] = ['cs', 'ds', 'es', 'fs', 'gs', 'ss', 'tr', 'ldt'];

export function systemState(m: Machine): SystemState {
  const s = m.vcpu.getSregs();
  const segments = {} as Record<SegmentName, SegmentView>;
  for (const n of SEGMENTS) {
    const g = s[n];
    segments[n] = {
      selector: g.selector, base: g.base, limit: g.limit, type: g.type, present: g.present !== 0, dpl: g.dpl,
      db: g.db !== 0, s: g.s !== 0, l: g.l !== 0, g: g.g !== 0, avl: g.avl !== 0, unusable: g.unusable !== 0,
    };
  }
  return { segments, gdt: { base: s.gdt.base, limit: s.gdt.limit }, idt: { base: s.idt.base, limit: s.idt.limit }, apicBase: s.apic_base };
}

/** Each MSR KVM_GET_MSRS reads; one the backend refuses (it stops at the first it cannot read) is left out. */
export function readMsrs(m: Machine, indices: readonly number[]): Map<number, bigint> {
  const out = new Map<number, bigint>();
  try {
    for (const e of m.vcpu.getMsrs(indices)) out.set(e.index, e.data);
    return out;
  } catch {
    for (const i of indices) {
      try {
        for (const e of m.vcpu.getMsrs([i])) out.set(e.index, e.data);
      } catch {
        // not readable on this backend: absent from the map
      }
    }
    return out;
  }
}

export function readPhysical(m: Machine, addr: bigint, len: number): Uint8Array {
  if (!Number.isSafeInteger(len) || len < 0 || len > 1 << 20) throw new SessionError('bad-args', `bad length ${len}`);
  if (addr < 0n || addr + BigInt(len) > BigInt(m.memory.length)) {
    throw new SessionError('unreadable', `cannot read guest-physical 0x${addr.toString(16)}: outside guest memory (0x${m.memory.length.toString(16)} bytes)`);
  }
  return m.memory.slice(Number(addr), Number(addr) + len);
}

/** The guest-physical address of linear `la` through `cr3` (default: the current CR3). */
export function translateLinear(m: Machine, la: bigint, cr3?: bigint): bigint {
  try {
    return translate(m.memory, pagingOf(m.vcpu, cr3), la);
  } catch (e) {
    throw notMapped('read', e);
  }
}
