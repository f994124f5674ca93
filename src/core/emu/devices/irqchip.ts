/**
 * The in-kernel interrupt controller and timer of the emulated hypervisor,
 * as one facade the VM plugs in: KVM_CREATE_IRQCHIP creates it (the PIC
 * pair; there is no IOAPIC or local APIC: the PIC drives INTR directly),
 * KVM_CREATE_PIT2 adds the PIT (`createPit`), KVM_IRQ_LINE is `irqLine`.
 *
 * The vCPU run loop uses it like a CPU's chipset: port accesses go to
 * `portIn`/`portOut` first (undefined/false: not ours, exit to userspace),
 * `advance` moves the instruction clock by what the CPU retired (plus HLT
 * idle time skipped up to `instructionsUntilNextEvent`), `hasInterrupt` is
 * the INTR line and `ack` the INTA cycle. attach.ts wires it to a Cpu.
 *
 * Counters: `irq.raised` (a request newly latched in IRR), `irq.coalesced`
 * (an edge while the same request was still in IRR), `irq.masked` (an edge
 * on a masked pin), `irq.injected` (INTA returned a vector), `irq.spurious`
 * (INTA with nothing to deliver: IRQ 7/15), `irq.eoi` (ISR bits cleared),
 * `pit.tick` (channel 0 expiries), `pit.held`/`pit.reinjected` (reinject
 * policy), `io.pic`/`io.pit` (port accesses handled in-kernel).
 */
import type { Counters } from '../../counters.ts';
import { IRQ_SOURCE_PIT, IRQ_SOURCE_USER, Pic } from './pic.ts';
import { Pit, type PitConfig, type PitTiming } from './pit.ts';

export class Irqchip {
  readonly pic: Pic;
  /** The PIT once KVM_CREATE_PIT2 created it. */
  pit: Pit | null = null;

  constructor(readonly counters: Counters) {
    this.pic = new Pic({
      acked: (irq) => {
        counters.inc('irq.eoi');
        if (irq === 0) this.pit?.acked();
      },
      maskChanged: (irq, masked) => {
        if (irq === 0) this.pit?.maskChanged(masked);
      },
    });
  }

  /**
   * KVM_CREATE_PIT2. Throws if a PIT exists (the VM answers EEXIST).
   * `timing` is vdbg's: the instruction time base (pit.ts).
   */
  createPit(config: PitConfig, timing: PitTiming = {}): Pit {
    if (this.pit !== null) throw new Error('the PIT already exists');
    this.pit = new Pit(config, () => this.pulse(0, IRQ_SOURCE_PIT), this.counters, timing);
    return this.pit;
  }

  /** KVM_IRQ_LINE for GSIs 0–15: drive a PIC pin from userspace. Returns -1 masked, 0 coalesced, 1 latched. */
  irqLine(irq: number, level: boolean | number): number {
    return this.setIrq(irq, !!level, IRQ_SOURCE_USER);
  }

  private setIrq(irq: number, level: boolean, source: number): number {
    const ret = this.pic.setIrq(irq, level, source);
    if (level) this.counters.inc(ret === 1 ? 'irq.raised' : ret === 0 ? 'irq.coalesced' : 'irq.masked');
    return ret;
  }

  /** An edge: the pin high then low (how the PIT raises IRQ 0). */
  private pulse(irq: number, source: number): void {
    this.setIrq(irq, true, source);
    this.setIrq(irq, false, source);
  }

  /** A guest IN: the value, or undefined if no in-kernel device claims the port. */
  portIn(port: number, size: number): number | undefined {
    let v = this.pic.portIn(port, size);
    if (v !== undefined) {
      this.counters.inc('io.pic');
      return v;
    }
    v = this.pit?.portIn(port, size);
    if (v !== undefined) this.counters.inc('io.pit');
    return v;
  }

  /** A guest OUT: true if an in-kernel device handled it. */
  portOut(port: number, size: number, value: number): boolean {
    if (this.pic.portOut(port, size, value)) {
      this.counters.inc('io.pic');
      return true;
    }
    if (this.pit?.portOut(port, size, value)) {
      this.counters.inc('io.pit');
      return true;
    }
    return false;
  }

  /** Let `instructions` of guest time pass (retired or skipped while halted). */
  advance(instructions: number): void {
    this.pit?.advance(instructions);
  }

  /** Instructions until the next timer event (Infinity: none scheduled). */
  instructionsUntilNextEvent(): number {
    return this.pit?.instructionsUntilNextEvent() ?? Infinity;
  }

  /** The INTR line. */
  hasInterrupt(): boolean {
    return this.pic.hasPendingInterrupt();
  }

  /** INTA: the vector to deliver (IRR → ISR). */
  ack(): number {
    const a = this.pic.acknowledge();
    this.counters.inc(a.spurious ? 'irq.spurious' : 'irq.injected');
    return a.vector;
  }
}
