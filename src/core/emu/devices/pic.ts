/**
 * The two cascaded 8259A programmable interrupt controllers of a PC (master
 * at 0x20/0x21, slave at 0xA0/0xA1 on the master's IRQ 2, ELCR at
 * 0x4D0/0x4D1), modelled on KVM's in-kernel PIC (arch/x86/kvm/i8259.c) so
 * a guest sees the same behaviour on both backends:
 *
 * - ICW1 (port 0, bit 4) starts initialisation: IMR, priority rotation,
 *   special mask and read-register select reset; ICW2 sets the vector base
 *   (& 0xF8), ICW3 is accepted and ignored (the cascade is fixed on IRQ 2),
 *   ICW4 (only when ICW1 bit 0 asked for it) sets auto-EOI and special fully
 *   nested mode. Single mode and level-triggered mode (ICW1 bits 1 and 3)
 *   are not supported, as in KVM: the chips stay cascaded and edge-triggered
 *   unless the ELCR says otherwise.
 * - OCW1 (port 1 outside initialisation) is the IMR; OCW2 (port 0, bits 4–3
 *   = 00) non-specific/specific EOI, rotate on EOI, set priority, rotate in
 *   auto-EOI; OCW3 (bits 4–3 = 01) selects IRR/ISR for reads and poll mode.
 *   The special mask mode bit is stored but, as in KVM, does not change
 *   priority resolution.
 * - IRR latches edges: a line going 0 → 1 sets IRR; it stays set until
 *   INTA even if the line drops (KVM's `last_irr` latch). Lines in the ELCR
 *   are level-triggered: IRR follows the line and INTA leaves it set.
 * - Each IRQ pin's level is the OR over its sources (KVM's irq_states per
 *   irq source id), so the PIT and KVM_IRQ_LINE never cancel each other.
 * - INTA (`acknowledge`) returns the vector of the highest-priority request
 *   and moves it IRR → ISR (through the cascade); with nothing to deliver it
 *   returns the spurious IRQ 7 (or 15 from the slave), ISR untouched.
 *
 * There is no local APIC: the master's output drives the CPU's INTR line
 * directly (as KVM does while LVT0 is ExtINT, the state after reset).
 */

/** KVM_USERSPACE_IRQ_SOURCE_ID: KVM_IRQ_LINE. */
export const IRQ_SOURCE_USER = 0;
/** The PIT's irq source (KVM allocates it after the two reserved ids). */
export const IRQ_SOURCE_PIT = 2;

/** What a chip-state change means to the rest of the irqchip (KVM's ack and mask notifiers). */
export interface PicHooks {
  /** An ISR bit was cleared for `irq` (0–15): EOI, auto-EOI, poll (kvm_notify_acked_irq). */
  acked?(irq: number): void;
  /** IMR changed for `irq` (0–15) (kvm_fire_mask_notifiers). */
  maskChanged?(irq: number, masked: boolean): void;
}

/** One 8259A (KVM's struct kvm_kpic_state). */
export class PicChip {
  /** Line levels as last seen, for edge detection. */
  lastIrr = 0;
  irr = 0;
  imr = 0;
  isr = 0;
  /** Lowest-priority rotation: IRQ `priorityAdd` has the highest priority. */
  priorityAdd = 0;
  irqBase = 0;
  /** OCW3 RR/RIS: reads of port 0 return ISR (true) or IRR. */
  readRegSelect = false;
  poll = false;
  specialMask = false;
  /** 0: normal; 1–3: expecting ICW2, ICW3, ICW4. */
  initState = 0;
  autoEoi = false;
  rotateOnAutoEoi = false;
  specialFullyNestedMode = false;
  init4 = false;
  /** Edge/level control register (bit set: level-triggered). */
  elcr = 0;

  constructor(
    readonly slave: boolean,
    /** Bits the ELCR may set (IRQ 0, 1, 2 on the master and 8, 13 on the slave are edge-only). */
    readonly elcrMask: number,
  ) {}

  /**
   * The highest-priority pending request, as a priority 0–7 relative to
   * `priorityAdd`, or 8 when `mask` is empty (KVM get_priority).
   */
  priority(mask: number): number {
    if (mask === 0) return 8;
    let p = 0;
    while ((mask & (1 << ((p + this.priorityAdd) & 7))) === 0) p++;
    return p;
  }

  /** The IRQ (0–7) this chip would raise now, or -1 (KVM pic_get_irq). */
  wanted(): number {
    const p = this.priority(this.irr & ~this.imr);
    if (p === 8) return -1;
    let inService = this.isr;
    // Special fully nested mode: a slave request in service does not block the slave's other requests.
    if (this.specialFullyNestedMode && !this.slave) inService &= ~(1 << 2);
    return p < this.priority(inService) ? (p + this.priorityAdd) & 7 : -1;
  }

  /**
   * Drive input `irq` (0–7) to `level`. Returns -1 if masked, 0 if the
   * request coalesced with one already in IRR, 1 if it was newly latched
   * (KVM pic_set_irq1, what KVM_IRQ_LINE_STATUS reports).
   */
  setInput(irq: number, level: boolean): number {
    const mask = 1 << irq;
    let ret = 1;
    if (this.elcr & mask) {
      if (level) {
        ret = this.irr & mask ? 0 : 1;
        this.irr |= mask;
        this.lastIrr |= mask;
      } else {
        this.irr &= ~mask;
        this.lastIrr &= ~mask;
      }
    } else if (level) {
      if ((this.lastIrr & mask) === 0) {
        ret = this.irr & mask ? 0 : 1;
        this.irr |= mask;
      }
      this.lastIrr |= mask;
    } else {
      this.lastIrr &= ~mask;
    }
    return this.imr & mask ? -1 : ret;
  }

  /** Power-on state (KVM kvm_pic_reset, minus the ack notifications). */
  reset(): void {
    this.lastIrr = this.irr = this.imr = this.isr = 0;
    this.priorityAdd = this.irqBase = 0;
    this.readRegSelect = this.poll = this.specialMask = false;
    this.initState = 0;
    this.autoEoi = this.rotateOnAutoEoi = this.specialFullyNestedMode = this.init4 = false;
  }
}

/** The master/slave pair, the PIC KVM_CREATE_IRQCHIP creates. */
export class Pic {
  readonly master = new PicChip(false, 0xf8);
  readonly slave = new PicChip(true, 0xde);
  /** The master's INT output: the CPU's INTR line. */
  output = false;
  /** Level of each of the 16 pins per irq source (bit n: source n drives it high). */
  private readonly irqStates = new Uint32Array(16);

  constructor(private readonly hooks: PicHooks = {}) {}

  private chip(irq: number): PicChip {
    return irq < 8 ? this.master : this.slave;
  }

  /**
   * Drive pin `irq` (0–15) from `source` (KVM kvm_pic_set_irq). The pin's
   * level is the OR over all sources. Returns -1 masked, 0 coalesced, 1 latched.
   */
  setIrq(irq: number, level: boolean, source = IRQ_SOURCE_USER): number {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new RangeError(`PIC pin ${irq} is not 0–15`);
    const bit = 1 << source;
    this.irqStates[irq] = level ? this.irqStates[irq] | bit : this.irqStates[irq] & ~bit;
    const ret = this.chip(irq).setInput(irq & 7, this.irqStates[irq] !== 0);
    this.update();
    return ret;
  }

  /** Recompute the cascade and the INTR output (KVM pic_update_irq). */
  update(): void {
    if (this.slave.wanted() >= 0) {
      // The slave's INT pulses the master's IRQ 2.
      this.master.setInput(2, true);
      this.master.setInput(2, false);
    }
    this.output = this.master.wanted() >= 0;
  }

  /** INTR is asserted: a request is waiting for INTA. */
  hasPendingInterrupt(): boolean {
    return this.output;
  }

  /** The vector INTA would return now, without acknowledging (-1: INTR is not asserted). */
  pendingVector(): number {
    const irq = this.master.wanted();
    if (irq < 0) return -1;
    if (irq !== 2) return this.master.irqBase + irq;
    const irq2 = this.slave.wanted();
    return this.slave.irqBase + (irq2 >= 0 ? irq2 : 7);
  }

  /**
   * The INTA cycle (KVM kvm_pic_read_irq): the vector of the highest-priority
   * request, moved IRR → ISR on each chip involved. With no request (INTR
   * dropped before INTA) it is the spurious IRQ 7 of the master, or IRQ 15
   * when the master's IRQ 2 was acknowledged but the slave's request vanished.
   */
  acknowledge(): { vector: number; irq: number; spurious: boolean } {
    const m = this.master, s = this.slave;
    let irq = m.wanted();
    let vector: number;
    let spurious = false;
    if (irq >= 0) {
      this.intack(m, irq);
      if (irq === 2) {
        let irq2 = s.wanted();
        if (irq2 >= 0) this.intack(s, irq2);
        else {
          irq2 = 7;
          spurious = true;
        }
        vector = s.irqBase + irq2;
        irq = irq2 + 8;
      } else {
        vector = m.irqBase + irq;
      }
    } else {
      irq = 7;
      spurious = true;
      vector = m.irqBase + 7;
    }
    this.update();
    return { vector, irq, spurious };
  }

  private intack(c: PicChip, irq: number): void {
    c.isr |= 1 << irq;
    if ((c.elcr & (1 << irq)) === 0) c.irr &= ~(1 << irq); // a level-triggered request stays
    if (c.autoEoi) {
      if (c.rotateOnAutoEoi) c.priorityAdd = (irq + 1) & 7;
      this.clearIsr(c, irq);
    }
  }

  /** Clear an ISR bit and tell the ack notifier (even when the bit was clear, as KVM does). */
  private clearIsr(c: PicChip, irq: number): void {
    c.isr &= ~(1 << irq);
    this.hooks.acked?.(c.slave ? irq + 8 : irq);
  }

  // ------------------------------------------------------------ port I/O
  /** A byte write to port 0 (A0 = 0: ICW1, OCW2, OCW3) or 1 (ICW2–4, OCW1) of a chip. */
  write(c: PicChip, a0: number, val: number): void {
    val &= 0xff;
    if (a0 === 0) {
      if (val & 0x10) {
        // ICW1.
        c.init4 = (val & 1) !== 0;
        c.lastIrr = 0;
        c.imr = 0;
        c.priorityAdd = 0;
        c.specialMask = false;
        c.readRegSelect = false;
        if (!c.init4) {
          c.specialFullyNestedMode = false;
          c.autoEoi = false;
        }
        c.initState = 1;
      } else if (val & 0x08) {
        // OCW3.
        if (val & 0x04) c.poll = true;
        if (val & 0x02) c.readRegSelect = (val & 1) !== 0;
        if (val & 0x40) c.specialMask = ((val >> 5) & 1) !== 0;
      } else {
        this.ocw2(c, val);
      }
      return;
    }
    switch (c.initState) {
      case 0: {
        // OCW1: the IMR.
        const diff = c.imr ^ val;
        c.imr = val;
        for (let irq = 0; irq < 8; irq++) {
          if (diff & (1 << irq)) this.hooks.maskChanged?.(c.slave ? irq + 8 : irq, (val & (1 << irq)) !== 0);
        }
        this.update();
        break;
      }
      case 1: // ICW2
        c.irqBase = val & 0xf8;
        c.initState = 2;
        break;
      case 2: // ICW3 (cascade wiring is fixed)
        c.initState = c.init4 ? 3 : 0;
        break;
      case 3: // ICW4
        c.specialFullyNestedMode = ((val >> 4) & 1) !== 0;
        c.autoEoi = ((val >> 1) & 1) !== 0;
        c.initState = 0;
        break;
    }
  }

  /** OCW2: EOI and priority commands (R, SL, EOI = bits 7–5). */
  private ocw2(c: PicChip, val: number): void {
    const cmd = val >> 5;
    switch (cmd) {
      case 0: // rotate in auto-EOI mode: clear
      case 4: // set
        c.rotateOnAutoEoi = cmd === 4;
        break;
      case 1: // non-specific EOI
      case 5: { // rotate on non-specific EOI
        const p = c.priority(c.isr);
        if (p !== 8) {
          const irq = (p + c.priorityAdd) & 7;
          if (cmd === 5) c.priorityAdd = (irq + 1) & 7;
          this.clearIsr(c, irq);
          this.update();
        }
        break;
      }
      case 3: // specific EOI
        this.clearIsr(c, val & 7);
        this.update();
        break;
      case 6: // set priority: IRQ L becomes the lowest
        c.priorityAdd = (val + 1) & 7;
        this.update();
        break;
      case 7: { // rotate on specific EOI
        const irq = val & 7;
        c.priorityAdd = (irq + 1) & 7;
        this.clearIsr(c, irq);
        this.update();
        break;
      }
      default: // 2: no operation
        break;
    }
  }

  /** A byte read of port 0 (IRR, ISR or the poll word) or 1 (IMR) of a chip. */
  read(c: PicChip, a0: number): number {
    if (c.poll) {
      c.poll = false;
      return this.pollRead(c);
    }
    if (a0 === 0) return c.readRegSelect ? c.isr : c.irr;
    return c.imr;
  }

  /**
   * OCW3 poll: the read acknowledges the highest request as INTA would and
   * returns its number, or 7 with nothing pending (KVM pic_poll_read; KVM
   * does not set bit 7 ("interrupt present") and clears the ISR bit at once).
   */
  private pollRead(c: PicChip): number {
    const irq = c.wanted();
    if (irq < 0) {
      this.update();
      return 0x07;
    }
    if (c.slave) {
      this.master.isr &= ~(1 << 2);
      this.master.irr &= ~(1 << 2);
    }
    c.irr &= ~(1 << irq);
    this.clearIsr(c, irq);
    if (c.slave || irq !== 2) this.update();
    return irq;
  }

  /** Reset both chips (as a VM reset would): notifies the ack hook for requests in flight. */
  reset(): void {
    for (const c of [this.master, this.slave]) {
      const pending = c.irr | c.isr;
      c.reset();
      for (let irq = 0; irq < 8; irq++) if (pending & (1 << irq)) this.clearIsr(c, irq);
    }
    this.irqStates.fill(0);
    this.update();
  }

  // ------------------------------------------------------------ ports
  /** Port reads of 0x20/0x21, 0xA0/0xA1, 0x4D0/0x4D1; undefined if the port is not the PIC's. */
  portIn(port: number, size: number): number | undefined {
    const c = this.portChip(port, size);
    if (c === undefined) return undefined;
    if (size !== 1) return 0; // KVM: "PIC: non byte read", handled as 0
    if (port >= 0x4d0) return c.elcr;
    return this.read(c, port & 1);
  }

  /** Port writes; false if the port is not the PIC's. */
  portOut(port: number, size: number, value: number): boolean {
    const c = this.portChip(port, size);
    if (c === undefined) return false;
    if (size !== 1) return true; // KVM: "PIC: non byte write", ignored
    if (port >= 0x4d0) c.elcr = value & c.elcrMask & 0xff;
    else this.write(c, port & 1, value);
    return true;
  }

  /** The chip behind a port range the access fits in (KVM registers three 2-byte PIO devices). */
  private portChip(port: number, size: number): PicChip | undefined {
    for (const [base, c] of [[0x20, this.master], [0xa0, this.slave], [0x4d0, null]] as const) {
      if (port >= base && port + size <= base + 2) return c ?? (port & 1 ? this.slave : this.master);
    }
    return undefined;
  }
}
