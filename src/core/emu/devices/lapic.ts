/**
 * The local APIC of a vCPU, modelled on KVM's in-kernel one
 * (arch/x86/kvm/lapic.c): the xAPIC register page at the APIC base, the
 * interrupt acceptance and priority rules, the LVTs and the APIC timer.
 *
 * - Registers (SDM Vol. 3 §11.4–11.6, Table 11-1): ID, version 0x50014
 *   (as KVM: version 0x14, six LVT entries), TPR, APR (reads 0, as in KVM),
 *   PPR, EOI, LDR, DFR, SVR, ISR/TMR/IRR (256 bits each), ESR, ICR/ICR2,
 *   LVT timer/thermal/perf/LINT0/LINT1/error, timer initial/current count
 *   and divide configuration. Reads and writes follow kvm_lapic_reg_read /
 *   kvm_lapic_reg_write: reads of 1, 2 or 4 bytes inside a register's first
 *   dword, writes of 4 aligned bytes only, the per-LVT writable masks, LVT
 *   mask bits forced while the APIC is software-disabled.
 * - State is the 1 KiB register page itself (`regs`, what KVM_GET_LAPIC /
 *   KVM_SET_LAPIC carry) plus the timer; the page is the whole truth, so a
 *   time-travel snapshot of this object restores the APIC exactly.
 * - Acceptance (__apic_accept_irq, Fixed and LowestPriority): the vector's
 *   IRR bit, only while the APIC is software- and hardware-enabled.
 *   Delivery (kvm_apic_has_interrupt / kvm_get_apic_interrupt): the highest
 *   IRR vector whose class is above PPR; INTA moves it IRR → ISR. EOI
 *   clears the highest ISR bit (apic_set_eoi). PPR = TPR when TPR[7:4] ≥
 *   the highest ISR class, else that class (__apic_update_ppr). CR8 is
 *   TPR[7:4] (SDM §11.8.6.1; kvm_set_cr8 / kvm_get_cr8).
 * - Virtual wire (kvm_apic_accept_pic_intr): the PIC's INTR reaches the CPU
 *   while the APIC is hardware-disabled or LVT0 is an unmasked ExtINT — the
 *   reset state of the BSP (KVM_X86_QUIRK_LINT0_REENABLED) — so a guest that
 *   never touches its APIC sees the PIC exactly as without one.
 * - IPIs (kvm_apic_send_ipi → kvm_irq_delivery_to_apic): with one vCPU, the
 *   ICR reaches this APIC for the shorthands self and all-including-self,
 *   and for no shorthand when the destination matches (physical: the APIC
 *   ID or 0xFF; logical: flat or cluster model against LDR). Fixed and
 *   lowest-priority IPIs are accepted; NMI, SMI, INIT and SIPI are counted
 *   (`lapic.ipi.unsupported`) and dropped: the emulated CPU has no NMI or
 *   INIT/SIPI path and there is no other vCPU.
 * - Timer (start_apic_timer, apic_timer_fn, apic_get_tmcct): one-shot and
 *   periodic on the APIC bus clock / divide; TSC-deadline through
 *   IA32_TSC_DEADLINE (MSR 0x6E0) when the guest's CPUID has it (the LVT
 *   timer mode mask is then 3 << 17, as kvm_vcpu_after_set_cpuid sets it).
 *   Time is the emulated instruction clock (pit.ts): one APIC bus cycle per
 *   retired instruction, where KVM's bus runs at 1 GHz (APIC_BUS_CYCLE_NS);
 *   a guest calibrates its APIC timer against the PIT or TSC in any case.
 *   Periodic periods below KVM's min_timer_period_us (200 µs, the PIT's
 *   limit at its default time base) are raised to it. Only Fixed delivery
 *   of the LVT timer is modelled (KVM delivers NMI/SMI/INIT modes too).
 *
 * Not modelled: x2APIC (MSRs 0x800–0x8FF; CPUID.1:ECX[21] stays clear),
 * the LVT CMCI entry, ESR error reporting (ESR reads 0, as KVM never sets
 * it for xAPIC), directed EOI, NMI through LINT1 or LVT0, level-triggered
 * EOI broadcast (there is no IOAPIC), APIC-access page / APICv.
 */
import type { Counters } from '../../counters.ts';
import { KVM_LAPIC_STATE_SIZE } from '../../uapi/structs.ts';
import { DEFAULT_INSTRUCTIONS_PER_PIT_TICK, MIN_PERIOD_TICKS } from './pit.ts';

// Register offsets in the page (SDM Vol. 3 Table 11-1).
export const APIC_ID = 0x20;
export const APIC_LVR = 0x30;
export const APIC_TASKPRI = 0x80;
export const APIC_ARBPRI = 0x90;
export const APIC_PROCPRI = 0xa0;
export const APIC_EOI = 0xb0;
export const APIC_LDR = 0xd0;
export const APIC_DFR = 0xe0;
export const APIC_SPIV = 0xf0;
export const APIC_ISR = 0x100;
export const APIC_TMR = 0x180;
export const APIC_IRR = 0x200;
export const APIC_ESR = 0x280;
export const APIC_ICR = 0x300;
export const APIC_ICR2 = 0x310;
export const APIC_LVTT = 0x320;
export const APIC_LVTTHMR = 0x330;
export const APIC_LVTPC = 0x340;
export const APIC_LVT0 = 0x350;
export const APIC_LVT1 = 0x360;
export const APIC_LVTERR = 0x370;
export const APIC_TMICT = 0x380;
export const APIC_TMCCT = 0x390;
export const APIC_TDCR = 0x3e0;

/** struct kvm_lapic_state: the first KVM_APIC_REG_SIZE bytes of the register page. */
const KVM_APIC_REG_SIZE = KVM_LAPIC_STATE_SIZE;
/** APIC_VERSION 0x14 | (6 LVT entries − 1) << 16 (kvm_apic_set_version). */
export const APIC_VERSION_VALUE = 0x50014;
/** IA32_APIC_BASE fields. */
export const APIC_BASE_BSP = 1 << 8;
export const APIC_BASE_ENABLE = 1 << 11;
export const APIC_DEFAULT_PHYS_BASE = 0xfee00000;

// LVT and ICR fields.
export const APIC_LVT_MASKED = 1 << 16;
const APIC_VECTOR_MASK = 0xff;
const APIC_MODE_MASK = 0x700;
export const APIC_MODE_FIXED = 0x000;
const APIC_MODE_LOWEST = 0x100;
export const APIC_MODE_EXTINT = 0x700;
const APIC_SEND_PENDING = 1 << 12;
const APIC_INPUT_POLARITY = 1 << 13;
const APIC_LVT_REMOTE_IRR = 1 << 14;
const APIC_LVT_LEVEL_TRIGGER = 1 << 15;
const APIC_DEST_LOGICAL = 1 << 11;
const APIC_SHORT_MASK = 3 << 18;
const APIC_DEST_SELF = 1 << 18;
const APIC_DEST_ALLINC = 2 << 18;
const APIC_DEST_ALLBUT = 3 << 18;
export const APIC_SPIV_APIC_ENABLED = 1 << 8;
export const APIC_LVT_TIMER_PERIODIC = 1 << 17;
export const APIC_LVT_TIMER_TSCDEADLINE = 2 << 17;

const LVT_MASK = APIC_LVT_MASKED | APIC_SEND_PENDING | APIC_VECTOR_MASK;
const LINT_MASK = LVT_MASK | APIC_MODE_MASK | APIC_INPUT_POLARITY | APIC_LVT_REMOTE_IRR | APIC_LVT_LEVEL_TRIGGER;
/** The LVT registers with their writable bits (KVM apic_lvt_mask; the timer's mode bits are added at runtime). */
const LVTS: readonly (readonly [number, number])[] = [
  [APIC_LVTT, LVT_MASK],
  [APIC_LVTTHMR, LVT_MASK | APIC_MODE_MASK],
  [APIC_LVTPC, LVT_MASK | APIC_MODE_MASK],
  [APIC_LVT0, LINT_MASK],
  [APIC_LVT1, LINT_MASK],
  [APIC_LVTERR, LVT_MASK],
];

/** Registers a read may name (kvm_lapic_readable_reg_mask for xAPIC mode); EOI is write-only. */
const READABLE = new Set<number>([
  APIC_ID, APIC_LVR, APIC_TASKPRI, APIC_ARBPRI, APIC_PROCPRI, APIC_LDR, APIC_DFR, APIC_SPIV, APIC_ESR, APIC_ICR, APIC_ICR2,
  APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR, APIC_TMICT, APIC_TMCCT, APIC_TDCR,
  ...[APIC_ISR, APIC_TMR, APIC_IRR].flatMap((b) => Array.from({ length: 8 }, (_, i) => b + 16 * i)),
]);

/** KVM's min_timer_period_us (200 µs) in instructions at the default time base (the PIT's limit, pit.ts). */
export const MIN_PERIODIC_INSTRUCTIONS = MIN_PERIOD_TICKS * DEFAULT_INSTRUCTIONS_PER_PIT_TICK;

/** What the APIC needs from its vCPU: wiring, not state (never captured by time travel). */
export interface LapicWiring {
  /** IA32_APIC_BASE as the CPU holds it. */
  apicBase(): number;
  /** The TSC now (for IA32_TSC_DEADLINE). */
  tsc(): bigint;
}

export class Lapic {
  /** The register page (KVM's apic->regs, the part kvm_lapic_state carries), one u32 per dword. */
  readonly regs = new Uint32Array(KVM_APIC_REG_SIZE / 4);
  /** The instruction clock: instructions advanced since creation. */
  now = 0;
  /** The timer: armed, its next expiry (instruction time), its period in instructions (0: none). */
  timerArmed = false;
  timerExpiry = 0;
  timerPeriod = 0;
  /** Divide configuration as a divisor (update_divide_count). */
  divide = 2;
  /** IA32_TSC_DEADLINE (0: disarmed). */
  tscDeadline = 0n;
  /** LVTT bits the timer mode may use: 1 << 17, or 3 << 17 with TSC-deadline in the guest's CPUID. */
  timerModeMask = APIC_LVT_TIMER_PERIODIC;
  /** The LVTT mode the timer runs in (apic->lapic_timer.timer_mode). */
  timerMode = 0;

  constructor(
    readonly vcpuId: number,
    private readonly counters: Counters,
    private readonly wiring: LapicWiring,
  ) {
    this.reset();
  }

  // ------------------------------------------------------------ registers
  reg(off: number): number {
    return this.regs[off >> 2];
  }

  private setReg(off: number, v: number): void {
    this.regs[off >> 2] = v >>> 0;
  }

  /** kvm_lapic_reset (power-on, BSP): ID = vCPU id, LVTs masked but LVT0 ExtINT, SVR 0xFF, DFR all ones. */
  reset(): void {
    this.regs.fill(0);
    this.timerArmed = false;
    this.timerPeriod = 0;
    this.tscDeadline = 0n;
    this.setReg(APIC_ID, this.vcpuId << 24);
    this.setReg(APIC_LVR, APIC_VERSION_VALUE);
    for (const [off] of LVTS) this.setReg(off, APIC_LVT_MASKED);
    this.updateLvtt();
    if (this.vcpuId === 0) this.setReg(APIC_LVT0, APIC_MODE_EXTINT); // KVM_X86_QUIRK_LINT0_REENABLED
    this.setReg(APIC_DFR, 0xffffffff);
    this.setReg(APIC_SPIV, 0xff);
    this.updateDivide();
    this.updatePpr();
  }

  /** IA32_APIC_BASE.EN (kvm_apic_hw_enabled). */
  get hwEnabled(): boolean {
    return (this.wiring.apicBase() & APIC_BASE_ENABLE) !== 0;
  }

  /** SVR.APIC software enable (kvm_apic_sw_enabled). */
  get swEnabled(): boolean {
    return (this.reg(APIC_SPIV) & APIC_SPIV_APIC_ENABLED) !== 0;
  }

  /** The guest-physical page the registers answer at while hardware-enabled (apic_mmio_in_range). */
  claims(pa: number): boolean {
    const base = this.wiring.apicBase();
    if ((base & APIC_BASE_ENABLE) === 0) return false;
    const page = Math.floor(base / 4096) * 4096;
    return pa >= page && pa < page + 4096;
  }

  /** kvm_lapic_set_base: hardware re-enabled (EN 0 → 1): the xAPIC ID is the vCPU id again. */
  baseWritten(old: number): void {
    if ((old & APIC_BASE_ENABLE) === 0 && this.hwEnabled) this.setReg(APIC_ID, this.vcpuId << 24);
  }

  /** The PIC's INTR is passed to the CPU (kvm_apic_accept_pic_intr). */
  acceptsPicIntr(): boolean {
    if (!this.hwEnabled) return true;
    const lvt0 = this.reg(APIC_LVT0);
    return (lvt0 & APIC_LVT_MASKED) === 0 && (lvt0 & APIC_MODE_MASK) === APIC_MODE_EXTINT;
  }

  // ------------------------------------------------------------ 256-bit vectors
  private setBit(base: number, v: number, on: boolean): void {
    const i = (base >> 2) + ((v >> 5) << 2);
    this.regs[i] = on ? this.regs[i] | (1 << (v & 31)) : this.regs[i] & ~(1 << (v & 31));
  }

  /** The highest vector set in IRR/ISR/TMR at `base`, or -1. */
  private highest(base: number): number {
    for (let w = 7; w >= 0; w--) {
      const x = this.regs[(base >> 2) + (w << 2)];
      if (x !== 0) return w * 32 + 31 - Math.clz32(x);
    }
    return -1;
  }

  /** __apic_update_ppr. */
  private updatePpr(): number {
    const tpr = this.reg(APIC_TASKPRI);
    const isr = Math.max(0, this.highest(APIC_ISR));
    const ppr = (tpr & 0xf0) >= (isr & 0xf0) ? tpr & 0xff : isr & 0xf0;
    this.setReg(APIC_PROCPRI, ppr);
    return ppr;
  }

  // ------------------------------------------------------------ delivery
  /** The vector the APIC would deliver now, or -1 (kvm_apic_has_interrupt). */
  pendingVector(): number {
    if (!this.hwEnabled) return -1;
    const ppr = this.updatePpr();
    const irr = this.highest(APIC_IRR);
    return irr === -1 || (irr & 0xf0) <= ppr ? -1 : irr;
  }

  hasInterrupt(): boolean {
    return this.pendingVector() !== -1;
  }

  /** INTA for the APIC: IRR → ISR (kvm_get_apic_interrupt); -1 if nothing is deliverable. */
  ack(): number {
    const v = this.pendingVector();
    if (v === -1) return -1;
    this.setBit(APIC_IRR, v, false);
    this.setBit(APIC_ISR, v, true);
    this.updatePpr();
    this.counters.inc('lapic.injected');
    return v;
  }

  /** The spurious-interrupt vector (SVR[7:0]): what INTA returns when the request went away. */
  get spuriousVector(): number {
    return this.reg(APIC_SPIV) & 0xff;
  }

  /** __apic_accept_irq for Fixed/LowestPriority: latch `vector` in IRR (TMR for level); false if not accepted. */
  acceptIrq(vector: number, level: boolean): boolean {
    if (!this.swEnabled || !this.hwEnabled) return false;
    this.setBit(APIC_TMR, vector, level);
    this.setBit(APIC_IRR, vector, true);
    return true;
  }

  /** kvm_apic_local_deliver: an LVT entry fires (Fixed mode only). */
  private localDeliver(off: number): boolean {
    const lvt = this.reg(off);
    if (!this.hwEnabled || (lvt & APIC_LVT_MASKED) !== 0) return false;
    if ((lvt & APIC_MODE_MASK) !== APIC_MODE_FIXED) {
      this.counters.inc('lapic.lvt.unsupported');
      return false;
    }
    return this.acceptIrq(lvt & APIC_VECTOR_MASK, (lvt & APIC_LVT_LEVEL_TRIGGER) !== 0);
  }

  /** apic_set_eoi: the highest in-service vector is done. */
  private eoi(): void {
    const v = this.highest(APIC_ISR);
    if (v === -1) return;
    this.setBit(APIC_ISR, v, false);
    this.updatePpr();
    this.counters.inc('lapic.eoi');
  }

  /** CR8 = TPR[7:4] (kvm_get_cr8). */
  get cr8(): number {
    return this.reg(APIC_TASKPRI) >> 4;
  }

  /** MOV CR8 / kvm_set_cr8: TPR = CR8 << 4. */
  set cr8(v: number) {
    this.setReg(APIC_TASKPRI, (v & 0xf) << 4);
    this.updatePpr();
  }

  // ------------------------------------------------------------ IPIs
  /** kvm_apic_match_dest for this APIC (one vCPU: the source is this APIC). */
  private matchesDest(icr: number, dest: number): boolean {
    switch (icr & APIC_SHORT_MASK) {
      case APIC_DEST_SELF:
      case APIC_DEST_ALLINC:
        return true;
      case APIC_DEST_ALLBUT:
        return false;
    }
    if ((icr & APIC_DEST_LOGICAL) === 0) return dest === 0xff || dest === this.reg(APIC_ID) >>> 24;
    const ldr = this.reg(APIC_LDR) >>> 24;
    if (dest === 0xff) return true;
    if (this.reg(APIC_DFR) >>> 28 === 0xf) return (ldr & dest) !== 0; // flat model
    return (ldr >> 4) === (dest >> 4) && (ldr & dest & 0xf) !== 0; // cluster model
  }

  /** kvm_apic_send_ipi. */
  private sendIpi(icr: number, icr2: number): void {
    this.counters.inc('lapic.ipi');
    if (!this.matchesDest(icr, icr2 >>> 24)) return;
    const mode = icr & APIC_MODE_MASK;
    if (mode !== APIC_MODE_FIXED && mode !== APIC_MODE_LOWEST) {
      this.counters.inc('lapic.ipi.unsupported');
      return;
    }
    this.acceptIrq(icr & APIC_VECTOR_MASK, (icr & APIC_LVT_LEVEL_TRIGGER) !== 0);
  }

  // ------------------------------------------------------------ MMIO
  /** An MMIO read at `offset` in the page (kvm_lapic_reg_read): 0 for unreadable registers and bad widths. */
  read(offset: number, size: number): number {
    const align = offset & 0xf;
    const off = offset & 0xff0;
    if (align + size > 4 || !READABLE.has(off)) return 0;
    const v = this.readReg(off) >>> (8 * align);
    return size === 4 ? v | 0 : v & ((1 << (8 * size)) - 1);
  }

  /** __apic_read. */
  private readReg(off: number): number {
    switch (off) {
      case APIC_ARBPRI:
        return 0;
      case APIC_TMCCT:
        return this.currentCount();
      case APIC_PROCPRI:
        return this.updatePpr();
      default:
        return this.reg(off);
    }
  }

  /** An MMIO write (apic_mmio_write: only aligned 4-byte writes reach the registers). */
  write(offset: number, size: number, value: number): void {
    if (size !== 4 || (offset & 0xf) !== 0) return;
    this.writeReg(offset, value >>> 0);
  }

  /** kvm_lapic_reg_write (xAPIC mode). */
  writeReg(off: number, val: number): void {
    switch (off) {
      case APIC_ID:
        this.setReg(APIC_ID, (val >>> 24) << 24);
        return;
      case APIC_TASKPRI:
        this.setReg(APIC_TASKPRI, val & 0xff);
        this.updatePpr();
        return;
      case APIC_EOI:
        this.eoi();
        return;
      case APIC_LDR:
        this.setReg(APIC_LDR, val & 0xff000000);
        return;
      case APIC_DFR:
        this.setReg(APIC_DFR, val | 0x0fffffff);
        return;
      case APIC_SPIV:
        this.setReg(APIC_SPIV, val & 0x3ff);
        if ((val & APIC_SPIV_APIC_ENABLED) === 0) {
          for (const [o] of LVTS) this.setReg(o, this.reg(o) | APIC_LVT_MASKED);
          this.updateLvtt();
        }
        return;
      case APIC_ICR:
        this.setReg(APIC_ICR, val & ~APIC_SEND_PENDING); // delivered at once: never busy
        this.sendIpi(val, this.reg(APIC_ICR2));
        return;
      case APIC_ICR2:
        this.setReg(APIC_ICR2, val & 0xff000000);
        return;
      case APIC_LVTT: {
        let v = this.swEnabled ? val : val | APIC_LVT_MASKED;
        v &= LVT_MASK | this.timerModeMask;
        this.setReg(APIC_LVTT, v);
        this.updateLvtt();
        return;
      }
      case APIC_LVTTHMR:
      case APIC_LVTPC:
      case APIC_LVT0:
      case APIC_LVT1:
      case APIC_LVTERR: {
        const mask = LVTS.find(([o]) => o === off)![1];
        this.setReg(off, (this.swEnabled ? val : val | APIC_LVT_MASKED) & mask);
        return;
      }
      case APIC_TMICT:
        if (this.timerMode === APIC_LVT_TIMER_TSCDEADLINE) return;
        this.timerArmed = false;
        this.setReg(APIC_TMICT, val);
        this.startTimer();
        return;
      case APIC_TDCR: {
        const old = this.divide;
        this.setReg(APIC_TDCR, val & 0xb);
        this.updateDivide();
        if (this.divide !== old && this.timerPeriod !== 0) this.rescaleTimer(old);
        return;
      }
      default:
        return; // ESR (writes only re-arm it on hardware; KVM ignores them), read-only and reserved registers
    }
  }

  // ------------------------------------------------------------ timer
  /** update_divide_count: TDCR bits 0, 1, 3 → divide by 2, 4, 8, 16, 32, 64, 128 or 1. */
  private updateDivide(): void {
    const t = this.reg(APIC_TDCR);
    const v = (t & 3) | ((t & 8) >> 1);
    this.divide = 1 << ((v + 1) & 7);
  }

  /** apic_update_lvtt: a change to or from TSC-deadline mode stops the timer and clears TMICT. */
  private updateLvtt(): void {
    const mode = this.reg(APIC_LVTT) & this.timerModeMask;
    if (mode === this.timerMode) return;
    if ((this.timerMode === APIC_LVT_TIMER_TSCDEADLINE) !== (mode === APIC_LVT_TIMER_TSCDEADLINE)) {
      this.timerArmed = false;
      this.setReg(APIC_TMICT, 0);
      this.timerPeriod = 0;
      this.tscDeadline = 0n;
    }
    this.timerMode = mode;
    this.limitPeriod();
  }

  /** limit_periodic_timer_frequency. */
  private limitPeriod(): void {
    if (this.timerMode === APIC_LVT_TIMER_PERIODIC && this.timerPeriod !== 0) {
      this.timerPeriod = Math.max(this.timerPeriod, MIN_PERIODIC_INSTRUCTIONS);
    }
  }

  /**
   * set_target_expiration: the period from TMICT; the first expiry one
   * period from now, or `left` instructions (KVM_SET_LAPIC restarting from
   * TMCCT, at most one period).
   */
  private startTimer(left = Infinity): void {
    this.timerPeriod = this.reg(APIC_TMICT) * this.divide;
    if (this.timerPeriod === 0) {
      this.timerArmed = false;
      return;
    }
    this.limitPeriod();
    this.timerArmed = true;
    this.timerExpiry = this.now + Math.min(left, this.timerPeriod);
  }

  /** update_target_expiration: TDCR changed while counting: the time left scales with the divisor. */
  private rescaleTimer(oldDivide: number): void {
    this.timerPeriod = this.reg(APIC_TMICT) * this.divide;
    this.limitPeriod();
    if (!this.timerArmed) return;
    const left = Math.max(0, this.timerExpiry - this.now);
    this.timerExpiry = this.now + Math.floor((left * this.divide) / oldDivide);
  }

  /** apic_get_tmcct: what is left of the current period, in timer clocks. */
  currentCount(): number {
    if (this.timerMode === APIC_LVT_TIMER_TSCDEADLINE || this.reg(APIC_TMICT) === 0 || this.timerPeriod === 0 || !this.timerArmed) return 0;
    const left = Math.max(0, this.timerExpiry - this.now) % this.timerPeriod;
    return Math.floor(left / this.divide) >>> 0;
  }

  /** Let `instructions` pass: fire the timer for every expiry in that time (apic_timer_fn). */
  advance(instructions: number): void {
    if (!(instructions >= 0)) throw new RangeError(`cannot advance the LAPIC by ${instructions} instructions`);
    this.now += instructions;
    while (this.timerArmed && this.timerExpiry <= this.now) {
      if (this.timerMode === APIC_LVT_TIMER_PERIODIC) {
        this.timerExpiry += this.timerPeriod;
      } else {
        this.timerArmed = false;
        this.tscDeadline = 0n;
      }
      this.counters.inc('lapic.timer');
      this.localDeliver(APIC_LVTT);
    }
  }

  /** Instructions until the timer's next expiry (Infinity when it is off). */
  instructionsUntilNextEvent(): number {
    return this.timerArmed ? Math.max(0, this.timerExpiry - this.now) : Infinity;
  }

  /** IA32_TSC_DEADLINE read (kvm_get_lapic_tscdeadline_msr): 0 outside TSC-deadline mode. */
  get tscDeadlineMsr(): bigint {
    return this.timerMode === APIC_LVT_TIMER_TSCDEADLINE ? this.tscDeadline : 0n;
  }

  /** IA32_TSC_DEADLINE write (kvm_set_lapic_tscdeadline_msr): ignored outside TSC-deadline mode; 0 disarms. */
  set tscDeadlineMsr(deadline: bigint) {
    if (!this.hwEnabled || this.timerMode !== APIC_LVT_TIMER_TSCDEADLINE) return;
    this.timerArmed = false;
    this.tscDeadline = deadline;
    if (deadline === 0n) return;
    const delta = deadline - this.wiring.tsc();
    this.timerArmed = true;
    this.timerExpiry = this.now + (delta > 0n ? Number(delta < 2n ** 52n ? delta : 2n ** 52n) : 0);
    this.advance(0); // a deadline already passed fires at once
  }

  /** kvm_vcpu_after_set_cpuid: TSC-deadline mode exists only with CPUID.1:ECX[24]. */
  setTscDeadlineSupported(on: boolean): void {
    this.timerModeMask = on ? APIC_LVT_TIMER_PERIODIC | APIC_LVT_TIMER_TSCDEADLINE : APIC_LVT_TIMER_PERIODIC;
    this.updateLvtt();
  }

  // ------------------------------------------------------------ KVM_GET/SET_LAPIC
  /** kvm_apic_get_state: the register page, TMCCT as a read would give it. */
  getState(out: Uint8Array): void {
    if (out.length < KVM_APIC_REG_SIZE) throw new RangeError('struct kvm_lapic_state is 1024 bytes');
    out.set(new Uint8Array(this.regs.buffer, this.regs.byteOffset, KVM_APIC_REG_SIZE));
    new DataView(out.buffer, out.byteOffset).setUint32(APIC_TMCCT, this.currentCount() >>> 0, true);
  }

  /** kvm_apic_set_state: the page as given, then PPR, timer mode, divider and the timer restarted from TMCCT. */
  setState(s: Uint8Array): void {
    if (s.length < KVM_APIC_REG_SIZE) throw new RangeError('struct kvm_lapic_state is 1024 bytes');
    const dv = new DataView(s.buffer, s.byteOffset, KVM_APIC_REG_SIZE);
    for (let i = 0; i < this.regs.length; i++) this.regs[i] = dv.getUint32(4 * i, true);
    this.timerArmed = false;
    this.updatePpr();
    this.updateLvtt();
    this.updateDivide();
    const tmcct = this.reg(APIC_TMCCT);
    this.setReg(APIC_TMCCT, 0);
    if (this.timerMode !== APIC_LVT_TIMER_TSCDEADLINE) {
      // __start_apic_timer(apic, APIC_TMCCT): a one-shot with nothing left stays stopped.
      const left = tmcct * this.divide;
      if (left > 0 || this.timerMode === APIC_LVT_TIMER_PERIODIC) this.startTimer(left > 0 ? left : undefined);
    }
  }
}
