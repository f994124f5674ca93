/**
 * Guest debug as the session programs it for each entry: KVM_SET_GUEST_DEBUG
 * (single-step, BLOCKIRQ, USE_SW_BP, USE_HW_BP with DR0–DR3 owned by the
 * host) and the INT3s in guest memory. INT3s go in for an entry and come out
 * after it, so guest memory never holds one while the session is stopped. A
 * #DB of the guest's own that KVM reported to us is given back with
 * KVM_GUESTDBG_INJECT_DB at the next KVM_SET_GUEST_DEBUG.
 */
import type { VcpuFd } from '../../core/api/index.ts';
import { Errno, KvmError } from '../../core/uapi/errors.ts';
import { KvmGuestDbg as G } from '../../core/uapi/structs.ts';
import { PageWalkError, SessionError } from '../errors.ts';
import { hwDebugregs, type BreakpointTable } from './breakpoints.ts';
import type { Machine } from './machine.ts';
import { pagingOf, translate } from './memory.ts';
import type { Breakpoint } from './types.ts';

const INT3 = 0xcc;
/** DR6 bits (uapi.md §2.1): B0–B3, BS, the active-low/fixed-1 bits, and bit 12 (always 0). */
export const DR6_B = 0xfn;
export const DR6_BS = 0x4000n;
export const DR6_ACTIVE_LOW = 0xffff0ff0n;
const DR6_BIT12 = 1n << 12n;

/** A breakpoint of the debugger's own (nexti's return address, finish, until). */
export interface TempBp {
  addr: bigint;
  /** Whether a hit here ends the command (e.g. the same CR3 and stack depth). */
  accept(cr3: bigint, vcpu: VcpuFd): boolean;
}

/** What one entry runs under. */
export interface Mode {
  step: boolean;
  blockIrq: boolean;
  /** Execute breakpoints (INT3s and hbreak slots) in; watchpoints are always in. */
  exec: boolean;
  temp: TempBp | null;
  /** The guest's own RFLAGS.TF before a single-step (what its #DB's DR6.BS would say). */
  guestTf?: boolean;
}

export class GuestDebug {
  /** DR7 as last programmed (kvm_pvm's debug exits do not report it). */
  programmedDr7 = 0x400n;
  /** DR6 B0–B3 the debugger can cause in the current entry: all four under USE_HW_BP (the host owns DR0–DR3, §3.7), else none. */
  hostSlots = 0n;
  private lastKey = '';
  /** A #DB of the guest's own is waiting for the next KVM_SET_GUEST_DEBUG (KVM_GUESTDBG_INJECT_DB). */
  private injectDb = false;
  /** Physical address → original byte of each INT3 in guest memory (only while running). */
  private readonly inserted = new Map<number, number>();
  /** Linear address of a software breakpoint → where its INT3 goes, resolved at the start of each command. */
  private swPhys = new Map<bigint, number>();

  constructor(
    private readonly m: Machine,
    private readonly table: BreakpointTable,
  ) {}

  /** Whether the last KVM_SET_GUEST_DEBUG turned debugging on (the host owns the debug registers). */
  get enabled(): boolean {
    return this.lastKey !== '' && !this.lastKey.startsWith('0:');
  }

  /** At the start of a command: where each enabled software breakpoint's INT3 goes; throws for one that has nowhere to go. */
  placeInt3s(): void {
    this.tempDr = null;
    const phys = new Map<bigint, number>();
    for (const b of this.table.live()) {
      if (b.kind !== 'break' || !b.enabled) continue;
      const pa = int3Place(this.m, b.addr);
      // Pending while its address has nowhere to go (an image loaded since it was set): kept, and left out of this command.
      if (pa === null) b.pending = true;
      else {
        phys.set(b.addr, pa);
        delete b.pending;
      }
    }
    this.swPhys = phys;
  }

  /**
   * The DR slot the debugger's own breakpoint takes, or null when it is an
   * INT3. An INT3 wherever INT3s work: a debug register is the guest's too
   * (under KVM_GUESTDBG_USE_HW_BP KVM loads the host's DR0–DR3 and DR7, so
   * the guest's own breakpoints stop firing — vmos's watcher would count 0
   * hits). Only kvm_pvm, which has no INT3 breakpoints, takes the first
   * slot no breakpoint uses; the stop says so (`tempDrNote`).
   */
  tempSlot(): number | null {
    if (!this.m.pvm) return null;
    const i = this.table.slots().findIndex((x) => x === null);
    return i < 0 ? null : i;
  }

  /** The debugger's own breakpoint took a debug register in this command (kvm_pvm), else null. */
  tempDr: number | null = null;

  /** KVM_SET_GUEST_DEBUG for `mode` (when it changed, or to single-step or inject), then the INT3s in. */
  program(mode: Mode): void {
    const slots = this.table.slots().map((b) => (b === null || (!mode.exec && b.kind !== 'watch') ? null : b));
    let tempSw: bigint | null = null;
    if (mode.temp !== null) {
      // An enabled hbreak at the same address already stops there: the debugger's own breakpoint rides on it
      // (a second DR on one address would set two B bits in DR6 on hardware, SDM 17.2.3).
      const shared = mode.exec && slots.some((b) => b !== null && b.kind === 'hbreak' && b.enabled && b.addr === mode.temp!.addr);
      const t = shared ? null : this.tempSlot();
      if (shared) {
        // nothing to program
      } else if (t !== null) {
        slots[t] = { addr: mode.temp.addr, kind: 'hbreak', len: 1, access: 'write' } as Breakpoint;
        this.tempDr = t;
      } else if (this.m.pvm) throw new SessionError('unsupported', 'no free debug register for the debugger\'s own breakpoint (this host has no INT3 breakpoints); free one of DR0–DR3');
      else tempSw = mode.temp.addr;
    }
    const regs = hwDebugregs(slots);
    const sw = mode.exec && (this.swPhys.size > 0 || tempSw !== null);
    let control = 0;
    if (mode.step) control |= G.ENABLE | G.SINGLESTEP | (mode.blockIrq ? G.BLOCKIRQ : 0);
    if (sw) control |= G.ENABLE | G.USE_SW_BP;
    if (regs !== null) control |= G.ENABLE | G.USE_HW_BP;
    this.programmedDr7 = regs?.[7] ?? 0x400n;
    this.hostSlots = regs !== null ? DR6_B : 0n;
    const key = `${control}:${regs?.join(',') ?? ''}`;
    // Single-step re-arms each time: KVM sets TF for it at KVM_SET_GUEST_DEBUG, and an IRET or POPF the guest steps may clear it.
    if (key !== this.lastKey || mode.step || this.injectDb) {
      const debugreg = regs ?? undefined;
      const vcpu = this.m.vcpu;
      if (this.injectDb) {
        try {
          vcpu.setGuestDebug({ control: control | G.INJECT_DB, debugreg });
          this.injectDb = false;
        } catch (e) {
          // EBUSY: an exception is already pending; KVM delivers that first, the #DB goes with the next entry.
          if (!(e instanceof KvmError && e.errno === Errno.EBUSY)) throw e;
          vcpu.setGuestDebug({ control, debugreg });
        }
      } else {
        vcpu.setGuestDebug({ control, debugreg });
      }
      this.lastKey = key;
    }
    if (mode.exec) {
      for (const pa of this.swPhys.values()) this.insert(pa);
      if (tempSw !== null) this.insert(int3Address(this.m, tempSw));
    }
  }

  /** The vCPU's guest-debug settings were replaced (a time-travel restore): the next program() sets them again. */
  forget(): void {
    this.lastKey = '';
  }

  /** Every INT3 out of guest memory, the original bytes back. */
  removeInt3s(): void {
    for (const [pa, orig] of this.inserted) this.m.memory[pa] = orig;
    this.inserted.clear();
  }

  /**
   * A #DB the guest's own debug registers raised while the debugger had KVM
   * intercept every #DB (KVM_GUESTDBG_SINGLESTEP): KVM reported it to us
   * (DR6 B0–B3 of slots the debugger does not own) and the guest never saw
   * it. Give it back as KVM would have delivered it without the debugger
   * (kvm_queue_exception_p(DB, payload), uapi.md §2.4): the guest's DR6 as
   * kvm_deliver_exception_payload writes it (KVM_SET_DEBUGREGS), then a #DB
   * queued with KVM_GUESTDBG_INJECT_DB at the next KVM_SET_GUEST_DEBUG — a
   * trap, so the guest's handler sees the RIP after the access. As QEMU's
   * kvm_handle_debug re-injects what is not its own.
   */
  giveBack(payload: bigint): void {
    const vcpu = this.m.vcpu;
    const d = vcpu.getDebugRegs();
    let dr6 = d.dr6;
    dr6 &= ~DR6_B;
    dr6 |= DR6_ACTIVE_LOW;
    dr6 |= payload;
    dr6 ^= payload & DR6_ACTIVE_LOW;
    dr6 &= ~DR6_BIT12;
    vcpu.setDebugRegs({ ...d, dr6, flags: 0n });
    this.injectDb = true;
    this.m.vmm.inc('session.db_reinjected');
  }

  private insert(pa: number): void {
    if (this.inserted.has(pa)) return;
    this.inserted.set(pa, this.m.memory[pa]);
    this.m.memory[pa] = INT3;
  }
}

/** int3Address, or null where the address has nowhere to go. */
function int3Place(m: Machine, addr: bigint): number | null {
  try {
    return int3Address(m, addr);
  } catch (e) {
    if (e instanceof SessionError && e.code === 'unreadable') return null;
    throw e;
  }
}

/** Where the INT3 for linear `addr` goes: through the current CR3, else through the image's load segments. */
export function int3Address(m: Machine, addr: bigint): number {
  let walkError: PageWalkError | null = null;
  try {
    const pa = translate(m.memory, pagingOf(m.vcpu), addr);
    if (pa < BigInt(m.memory.length)) return Number(pa);
  } catch (e) {
    if (!(e instanceof PageWalkError)) throw e;
    walkError = e;
  }
  for (const s of m.segments) {
    if (addr >= s.vaddr && addr < s.vaddr + s.size) return Number(s.paddr + (addr - s.vaddr));
  }
  const why = walkError !== null ? `not mapped: ${walkError.reason}` : 'outside guest memory';
  throw new SessionError('unreadable', `cannot insert a breakpoint at 0x${addr.toString(16)}: ${why}`);
}
