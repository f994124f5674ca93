/**
 * MachineHistory (src/core/time-travel/history.ts) on the emulated
 * hypervisor: a snapshot is the whole VM object graph — the vCPU (CPU
 * architectural and hidden state, x87 and SSE units, debug state, kvm_run
 * page, register cache, lazy DR / XCR0 / R16–R31 state, guest-debug
 * settings, pending I/O and events, counters) and the VM (irqchip: PIC,
 * PIT, the local APIC's register page and timer, the irqchip clock;
 * capabilities; counters) — captured generically by
 * state-walk.ts, plus guest RAM as per-page versions (ram-history.ts).
 * Caches are not state: decoded code and TLBs are dropped on restore.
 */
import { Cpu } from '../../emu/cpu.ts';
import { Mmu } from '../../emu/mmu.ts';
import type { MachineHistory, MachineSnapshot } from '../time-travel/history.ts';
import { createHash } from 'node:crypto';
import { Counters } from '../counters.ts';
import { canonicalFlags } from '../../emu/flags.ts';
import { captureState, restoreState, stateDigest, type CapturedState, type SkipRule } from '../time-travel/state-walk.ts';
import { MemorySlots, MmioBus } from './mmio.ts';
import { RamHistory } from './ram-history.ts';
import { RegCache } from './regcache.ts';
import { EmuVcpu } from './vcpu.ts';
import type { EmuVm } from './vm.ts';

/** Caches and links that are not the machine's state, by owner. */
// The JIT's cache and its on/off setting are the host's, not the machine's (`set jit` survives a restore).
const CPU_SKIP = new Set(['mem', 'icache', 'codeSnap', 'codePpns', 'pageViews', 'io', 'intAck', 'apic', 'jit', 'jitOn']);
// `hi` is the high half a 64-bit read returns through (read64, rmw64), not state: the JIT's inlined reads do not set it.
// `largeRegions` is INVLPG's record of large-page walks since the last TLB flush: TLB bookkeeping (a restore flushes it).
const MMU_SKIP = new Set(['ram', 'dv', 'u8', 'mmio', 'codePages', 'dirty', 'sets', 'r', 'w', 'x', 'walkEntries', 'largeRegions', 'host', 'hi']);

class EmuSnapshot implements MachineSnapshot {
  constructor(
    readonly gen: number,
    readonly icount: number,
    readonly state: CapturedState,
    readonly bytes: number,
  ) {}
}

export class EmuMachineHistory implements MachineHistory {
  private readonly ram: RamHistory;
  private readonly snaps: EmuSnapshot[] = [];
  private nextGen = 1;
  private readonly skip: SkipRule;

  constructor(private readonly vm: EmuVm, private readonly vcpu: EmuVcpu) {
    const cpu = vcpu.cpu;
    const ramBuf = cpu.mem.u8.buffer;
    this.skip = (o, k) => {
      if (o instanceof Cpu) return CPU_SKIP.has(k);
      if (o instanceof Mmu) return MMU_SKIP.has(k);
      if (o instanceof EmuVcpu) return k === 'onTransition' || k === 'wake';
      if (o instanceof MmioBus) return k === 'cpu' || k === 'slots';
      if (o === this.vm) return k === 'slots';
      if (o instanceof MemorySlots) return true;
      const v = (o as Record<string, unknown>)[k];
      return ArrayBuffer.isView(v) && v.buffer === ramBuf; // never copy RAM through a view of it
    };
    this.ram = new RamHistory(cpu.mem.u8, cpu.mmu.dirty);
    cpu.mmu.flushWrites();
  }

  icount(): number {
    return this.vcpu.cpu.icount;
  }

  snapshot(): MachineSnapshot {
    const cpu = this.vcpu.cpu;
    // Generations follow time. RAM now is the restored generation plus the pages written since (replay
    // rewrites every page the recording wrote on the way: the machine is deterministic), so a snapshot
    // between two others takes a generation between theirs.
    const k = this.snaps.findIndex((x) => x.icount >= cpu.icount);
    if (k >= 0 && this.snaps[k].icount === cpu.icount) throw new Error(`time travel: there is a snapshot at icount ${cpu.icount} already`);
    const gen = k < 0 ? this.nextGen++ : ((k === 0 ? 0 : this.snaps[k - 1].gen) + this.snaps[k].gen) / 2;
    canonicalFlags(cpu.fl); // the lazy words are a cache (flags.ts)
    const state = captureState(this.vm, this.skip);
    const pages = this.ram.commit(gen);
    cpu.mmu.flushWrites(); // the next store to every page translates again and marks it dirty
    const s = new EmuSnapshot(gen, cpu.icount, state, state.bytes + pages);
    this.snaps.splice(k < 0 ? this.snaps.length : k, 0, s);
    return s;
  }

  restore(s0: MachineSnapshot): void {
    const s = this.own(s0);
    const cpu = this.vcpu.cpu, mmu = cpu.mmu;
    restoreState(s.state);
    this.ram.restore(s.gen);
    // Caches built from the state that was: decoded code, links between instructions, translations.
    cpu.flushDecodeCache();
    mmu.setUser(mmu.user);
    mmu.flushTlb();
    cpu.updateSlow();
  }

  discard(s0: MachineSnapshot): void {
    const s = this.own(s0);
    const k = this.snaps.indexOf(s);
    this.snaps.splice(k, 1);
    this.ram.drop(s.gen, this.snaps[k]?.gen);
  }

  /**
   * The whole machine as a comparable string: every captured field and a
   * hash of RAM (tests: exactness of restore and replay). Without
   * `counters`, what records how the run was cut into KVM_RUNs is left out —
   * the counters, the icount the last KVM_RUN started at, the register
   * cache's stale contents while nothing in it is valid — which differ with
   * the cuts even when the machine is identical.
   */
  digest(counters = true): string {
    const runArtifact = (o: object, k: string): boolean =>
      o instanceof Counters ||
      (o instanceof EmuVcpu && k === 'budgetStart') ||
      (o instanceof RegCache && k === 'vals' && o.bitmaps().available === 0 && o.bitmaps().dirty === 0);
    const skip: SkipRule = (o, k) => this.skip(o, k) || (!counters && runArtifact(o, k));
    const ram = createHash('sha256').update(this.vcpu.cpu.mem.u8).digest('hex');
    canonicalFlags(this.vcpu.cpu.fl);
    return `${stateDigest(captureState(this.vm, skip))}|ram:${ram}`;
  }

  hostWrote(pa: number, len: number): void {
    this.ram.markWritten(pa, len);
  }

  memoryBytes(): number {
    let n = this.ram.bytes();
    for (const s of this.snaps) n += s.state.bytes;
    return n;
  }

  private own(s: MachineSnapshot): EmuSnapshot {
    if (!(s instanceof EmuSnapshot) || !this.snaps.includes(s)) throw new Error('time travel: not a snapshot of this machine');
    return s;
  }
}
