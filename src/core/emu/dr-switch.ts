/**
 * Debug registers of one vCPU and the lazy switching of the hardware DRs
 * (uapi.md §3). The emulated CPU has one set of hardware DR0–DR3/DR6/DR7
 * (`cpu.dr`, `cpu.dr6`, `cpu.dr7`); this module decides what they hold while
 * the guest runs, exactly as KVM's x86.c/vmx.c do:
 *
 * - `db/dr6/dr7` are the guest's own values (what MOV from DRn and
 *   KVM_GET_DEBUGREGS return); `effDb` and the "VMCS" DR7 are what goes into
 *   hardware (the host's `debugreg[]` under KVM_GUESTDBG_USE_HW_BP).
 * - MOV-DR exiting is on by default; the intercept handler (`handleDrAccess`,
 *   VMX handle_dr order) drops it on the first access while `guest_debug` is
 *   0 (KVM_DEBUGREG_WONT_EXIT): the guest's DRs are loaded for the next entry
 *   and the MOV re-executes natively; at the next exit they are saved back
 *   and interception is restored (vcpu_enter_guest + sync_dirty_debug_regs).
 *
 * DR values are BigInt (u64, the uAPI's type); the CPU holds DR0–3 as signed
 * numbers (canonical addresses), converted at entry and exit.
 */
import type { Counters } from '../counters.ts';
import type { Cpu } from '../../emu/cpu.ts';
import { KvmGuestDbg } from '../uapi/structs.ts';

// uapi.md §2.1.
export const DR6_BD = 0x2000n;
export const DR6_BS = 0x4000n;
export const DR6_ACTIVE_LOW = 0xffff0ff0n;
export const DR6_VOLATILE = 0x0001e80fn;
export const DR7_GD = 0x2000n;
export const DR7_FIXED_1 = 0x400n;
export const DR7_VOLATILE = 0xffff2bffn;
const DR7_BP_EN_MASK = 0xffn;

/** switch_db_regs flags (uapi.md §3.1). */
export const KVM_DEBUGREG_BP_ENABLED = 1;
export const KVM_DEBUGREG_WONT_EXIT = 2;

export type DrOwnership = 'intercepting' | 'guest-loaded' | 'host-debug';

/** Result of a MOV-DR intercept (handle_dr). */
export type DrAccessResult =
  | { kind: 'ud' }
  | { kind: 'gp' }
  /** GD with host USE_HW_BP: KVM_EXIT_DEBUG (dr6 = BD | ACTIVE_LOW, dr7 = effective DR7). */
  | { kind: 'debug-exit'; dr6: bigint; dr7: bigint }
  /** GD without host debugging: queue #DB with payload DR6_BD (instruction not executed). */
  | { kind: 'inject-db'; payload: bigint }
  /** Interception dropped: re-enter without skipping (WONT_EXIT). */
  | { kind: 'wont-exit' }
  /** Emulated against db/dr6/dr7: skip the instruction. */
  | { kind: 'emulated' };

/** What a register operand of MOV DR needs (regcache.ts readOperand/writeOperand). */
export interface DrOperand {
  read(): bigint;
  write(v: bigint): void;
}

const toU64 = (n: number): bigint => BigInt.asUintN(64, BigInt(n));
const toHw = (v: bigint): number => Number(BigInt.asIntN(64, v));

export class DebugRegs {
  /** Guest DR0–3 (arch.db). */
  readonly db = [0n, 0n, 0n, 0n];
  /** What goes into hardware DR0–3 (arch.eff_db). */
  readonly effDb = [0n, 0n, 0n, 0n];
  /** Guest DR6/DR7 (arch.dr6/dr7). Reset values: kvm_vcpu_reset. */
  dr6 = DR6_ACTIVE_LOW;
  dr7 = DR7_FIXED_1;
  /** Host userspace's DR7 (KVM_GUESTDBG_USE_HW_BP debugreg[7]). */
  guestDebugDr7 = 0n;
  /** The KVM_SET_GUEST_DEBUG control word (0 when not ENABLE). */
  guestDebug = 0;
  switchDbRegs = 0;
  /** The DR7 the next entry loads (VMCS GUEST_DR7 / VMCB save.dr7), saved back at every exit. */
  vmcsDr7 = DR7_FIXED_1;

  constructor(
    private readonly cpu: Cpu,
    private readonly counters: Counters,
  ) {
    cpu.ctl.movDr = true; // CPU_BASED_MOV_DR_EXITING is on by default
    cpu.dr6 = Number(DR6_ACTIVE_LOW);
    cpu.dr7 = Number(DR7_FIXED_1);
    this.updateDr7();
  }

  get hostHwBp(): boolean {
    return (this.guestDebug & KvmGuestDbg.USE_HW_BP) !== 0;
  }

  /** kvm_update_dr0123 (x86.c): eff_db = db unless host USE_HW_BP owns them. */
  updateDr0123(): void {
    if (this.hostHwBp) return;
    for (let i = 0; i < 4; i++) this.effDb[i] = this.db[i];
  }

  /** kvm_update_dr7 (x86.c): effective DR7 into the VMCS; BP_ENABLED iff it enables a breakpoint. */
  updateDr7(): void {
    const dr7 = this.hostHwBp ? this.guestDebugDr7 : this.dr7;
    this.vmcsDr7 = dr7;
    this.switchDbRegs &= ~KVM_DEBUGREG_BP_ENABLED;
    if (dr7 & DR7_BP_EN_MASK) this.switchDbRegs |= KVM_DEBUGREG_BP_ENABLED;
  }

  /** Guest-visible MOV from DRn (kvm_get_dr, x86.c): guest values even under host USE_HW_BP. */
  getDr(dr: number): bigint {
    if (dr < 4) return this.db[dr];
    if (dr === 4 || dr === 6) return this.dr6;
    return this.dr7;
  }

  /** kvm_set_dr (x86.c). Returns false for #GP (bits 63:32 of DR6/DR7). */
  setDr(dr: number, val: bigint): boolean {
    if (dr < 4) {
      this.db[dr] = val;
      if (!this.hostHwBp) this.effDb[dr] = val;
      return true;
    }
    if (val >> 32n !== 0n) return false;
    if (dr === 4 || dr === 6) {
      this.dr6 = (val & DR6_VOLATILE) | this.dr6Fixed();
    } else {
      this.dr7 = (val & DR7_VOLATILE) | DR7_FIXED_1;
      this.updateDr7();
    }
    return true;
  }

  /** kvm_dr6_fixed: the guest has neither RTM nor bus-lock detection, so both read as 1. */
  dr6Fixed(): bigint {
    return DR6_ACTIVE_LOW;
  }

  /**
   * The MOV-DR intercept, VMX handle_dr order (uapi.md §3.3): #UD, #GP(CPL),
   * GD, then drop interception when no host debugging, else emulate.
   */
  handleDrAccess(dr: number, toDr: boolean, cr4De: boolean, cpl: number, reg: DrOperand): DrAccessResult {
    this.counters.inc('dr.intercept');
    // (1) kvm_require_dr: DR4/DR5 with CR4.DE. (2) CPL > 0. The emulated CPU
    // checks both before the exit, as hardware does; kept for the order.
    if ((dr === 4 || dr === 5) && cr4De) return { kind: 'ud' };
    if (cpl > 0) return { kind: 'gp' };
    // (3) General detect, against the DR7 the guest runs with (GUEST_DR7).
    if (this.vmcsDr7 & DR7_GD) {
      if (this.hostHwBp) return { kind: 'debug-exit', dr6: DR6_BD | DR6_ACTIVE_LOW, dr7: this.vmcsDr7 };
      return { kind: 'inject-db', payload: DR6_BD };
    }
    // (4) No host debugging: stop intercepting, let the guest own the DRs for the next entry.
    if (this.guestDebug === 0) {
      this.cpu.ctl.movDr = false;
      this.switchDbRegs |= KVM_DEBUGREG_WONT_EXIT;
      this.counters.inc('dr.wont_exit');
      return { kind: 'wont-exit' };
    }
    // (5) Emulate against the guest's virtual DRs.
    if (!toDr) {
      reg.write(this.getDr(dr));
      return { kind: 'emulated' };
    }
    return this.setDr(dr, reg.read()) ? { kind: 'emulated' } : { kind: 'gp' };
  }

  /** kvm_arch_vcpu_ioctl_set_guest_debug steps 3–5 (x86.c): control word, eff_db, DR7. */
  setGuestDebug(control: number, debugreg: readonly bigint[]): void {
    this.guestDebug = (control & KvmGuestDbg.ENABLE) !== 0 ? control : 0;
    if (this.hostHwBp) {
      for (let i = 0; i < 4; i++) this.effDb[i] = debugreg[i];
      this.guestDebugDr7 = debugreg[7];
    } else {
      for (let i = 0; i < 4; i++) this.effDb[i] = this.db[i];
    }
    this.updateDr7();
  }

  /** KVM_SET_DEBUGREGS body (x86.c kvm_vcpu_ioctl_x86_set_debugregs): raw DR6/DR7, no fixed bits forced. */
  setDebugregs(db: readonly bigint[], dr6: bigint, dr7: bigint): void {
    for (let i = 0; i < 4; i++) this.db[i] = db[i];
    this.updateDr0123();
    this.dr6 = dr6;
    this.dr7 = dr7;
    this.updateDr7();
  }

  /** #DB delivered to the guest: GD clears (kvm_check_and_inject_events). */
  clearGd(): void {
    if (this.dr7 & DR7_GD) {
      this.dr7 &= ~DR7_GD;
      this.updateDr7();
    }
  }

  /** kvm_deliver_exception_payload for #DB (x86.c; uapi.md §2.4). */
  deliverDbPayload(payload: bigint): void {
    let dr6 = this.dr6;
    dr6 &= ~0xfn;
    dr6 |= DR6_ACTIVE_LOW;
    dr6 |= payload;
    dr6 ^= payload & DR6_ACTIVE_LOW;
    dr6 &= ~(1n << 12n);
    this.dr6 = dr6;
  }

  // ---------------------------------------------------------- entry / exit
  /** vcpu_enter_guest, before the run (uapi.md §3.4) + the vendor's DR6/DR7 loads. */
  enter(): void {
    const cpu = this.cpu;
    if (this.switchDbRegs !== 0) {
      for (let i = 0; i < 4; i++) cpu.dr[i] = toHw(this.effDb[i]);
      this.counters.inc('dr.load');
      // KVM_RUN_LOAD_GUEST_DR6: the guest writes DR6 freely, so it must see its own.
      if (this.switchDbRegs & KVM_DEBUGREG_WONT_EXIT) cpu.dr6 = Number(this.dr6 & 0xffffffffn);
    }
    // DR7 is switched by "hardware": VM-entry loads GUEST_DR7.
    cpu.dr7 = Number(this.vmcsDr7 & 0xffffffffn);
    cpu.debugRegsChanged();
  }

  /** After the run: VM-exit saves GUEST_DR7; WONT_EXIT ⇒ sync_dirty_debug_regs and interception back on. */
  exit(): void {
    const cpu = this.cpu;
    this.vmcsDr7 = toU64(cpu.dr7 >>> 0);
    if (this.switchDbRegs & KVM_DEBUGREG_WONT_EXIT) {
      for (let i = 0; i < 4; i++) this.db[i] = toU64(cpu.dr[i]);
      this.dr6 = toU64(cpu.dr6 >>> 0);
      this.dr7 = this.vmcsDr7;
      this.switchDbRegs &= ~KVM_DEBUGREG_WONT_EXIT;
      cpu.ctl.movDr = true;
      cpu.dr6 = Number(DR6_ACTIVE_LOW); // DR6 back to its reserved value for the host
      this.counters.inc('dr.save');
      this.updateDr0123();
      this.updateDr7();
    }
    // VM-exit loads the host's DR7 (0x400): no host breakpoints are active in the emulated host.
    cpu.dr7 = Number(DR7_FIXED_1);
    cpu.debugRegsChanged();
  }

  /** Test view (not in the uAPI). */
  ownership(): DrOwnership {
    if (this.hostHwBp) return 'host-debug';
    return this.switchDbRegs & KVM_DEBUGREG_WONT_EXIT ? 'guest-loaded' : 'intercepting';
  }

  hardware(): { db: bigint[]; dr6: bigint; dr7: bigint; movDrExiting: boolean } {
    const cpu = this.cpu;
    return { db: cpu.dr.map(toU64), dr6: toU64(cpu.dr6 >>> 0), dr7: toU64(cpu.dr7 >>> 0), movDrExiting: cpu.ctl.movDr };
  }

  guest(): { db: bigint[]; dr6: bigint; dr7: bigint; effDb: bigint[]; effDr7: bigint } {
    return { db: [...this.db], dr6: this.dr6, dr7: this.dr7, effDb: [...this.effDb], effDr7: this.vmcsDr7 };
  }
}
