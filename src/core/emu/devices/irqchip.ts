/**
 * The in-kernel interrupt controller and timer of the emulated hypervisor,
 * as one facade the VM plugs in: KVM_CREATE_IRQCHIP creates it (the PIC
 * pair; no IOAPIC), KVM_CREATE_VCPU adds the vCPU's local APIC
 * (`createLapic`, lapic.ts), KVM_CREATE_PIT2 adds the PIT (`createPit`),
 * KVM_IRQ_LINE is `irqLine`. The PIC's output reaches the CPU through the
 * APIC's LINT0 in virtual-wire mode (ExtINT, or the APIC hardware-disabled);
 * an ExtINT request is taken before the APIC's own (kvm_cpu_get_interrupt).
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
 * policy), `io.pic`/`io.pit` (port accesses handled in-kernel); for the
 * LAPIC `io.lapic` (MMIO accesses of its page), `lapic.timer` (timer
 * expiries), `lapic.injected` (INTA returned an APIC vector), `lapic.eoi`,
 * `lapic.ipi`, `lapic.spurious` (INTA after the request went away: the SVR
 * vector), `lapic.ipi.unsupported`/`lapic.lvt.unsupported` (delivery modes
 * not modelled, dropped).
 */
import type { Counters } from '../../counters.ts';
import { IRQ_SOURCE_PIT, IRQ_SOURCE_USER, Pic } from './pic.ts';
import { Lapic, type LapicWiring } from './lapic.ts';
import { Pit, type PitConfig, type PitTiming } from './pit.ts';

export class Irqchip {
  readonly pic: Pic;
  /** The PIT once KVM_CREATE_PIT2 created it. */
  pit: Pit | null = null;
  /** The vCPU's local APIC once KVM_CREATE_VCPU made it (one vCPU per emulated VM). */
  lapic: Lapic | null = null;

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

  /** KVM_CREATE_VCPU with the irqchip in kernel (kvm_create_lapic). Throws for a second vCPU. */
  createLapic(vcpuId: number, wiring: LapicWiring): Lapic {
    if (this.lapic !== null) throw new Error('the local APIC exists (one vCPU per emulated VM)');
    this.lapic = new Lapic(vcpuId, this.counters, wiring);
    return this.lapic;
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

  /** A guest MMIO read: the value, or undefined if the address is not the LAPIC's page. */
  mmioRead(pa: number, size: number): number | undefined {
    if (this.lapic === null || !this.lapic.claims(pa)) return undefined;
    this.counters.inc('io.lapic');
    return this.lapic.read(pa & 0xfff, size);
  }

  /** A guest MMIO write: true if the LAPIC took it. */
  mmioWrite(pa: number, size: number, value: number): boolean {
    if (this.lapic === null || !this.lapic.claims(pa)) return false;
    this.counters.inc('io.lapic');
    this.lapic.write(pa & 0xfff, size, value);
    return true;
  }

  /** Let `instructions` of guest time pass (retired or skipped while halted). */
  advance(instructions: number): void {
    this.pit?.advance(instructions);
    this.lapic?.advance(instructions);
  }

  /** Instructions until the next timer event (Infinity: none scheduled). */
  instructionsUntilNextEvent(): number {
    return Math.min(this.pit?.instructionsUntilNextEvent() ?? Infinity, this.lapic?.instructionsUntilNextEvent() ?? Infinity);
  }

  /** The PIC's INTR as the CPU sees it: through LINT0 in virtual-wire mode (kvm_cpu_has_extint). */
  private extInt(): boolean {
    return (this.lapic === null || this.lapic.acceptsPicIntr()) && this.pic.hasPendingInterrupt();
  }

  /** The INTR line (kvm_cpu_has_injectable_intr). */
  hasInterrupt(): boolean {
    return this.extInt() || (this.lapic?.hasInterrupt() ?? false);
  }

  /** INTA: the vector to deliver (kvm_cpu_get_interrupt: the PIC's ExtINT first, then the APIC's IRR → ISR). */
  ack(): number {
    const lapic = this.lapic;
    if (lapic === null || this.extInt() || (lapic.acceptsPicIntr() && !lapic.hasInterrupt())) {
      const a = this.pic.acknowledge();
      this.counters.inc(a.spurious ? 'irq.spurious' : 'irq.injected');
      return a.vector;
    }
    const v = lapic.ack();
    if (v !== -1) return v;
    this.counters.inc('lapic.spurious');
    return lapic.spuriousVector;
  }
}
