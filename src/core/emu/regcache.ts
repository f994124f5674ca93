/**
 * The vCPU's register cache, as KVM keeps `vcpu->arch.regs[]` with
 * `regs_avail` / `regs_dirty` (uapi.md §4.4): after a VM-exit nothing is
 * available; a read fills the register from the CPU (the "VMCS") once; a
 * write marks it available and dirty; before the next VM-entry the dirty
 * ones are written back and the dirty set is cleared.
 *
 * GPR accessors take the branded `Gpr` (src/emu/regs.ts) and RIP has its own
 * accessors, so RIP can never be handed to a GPR accessor (design.md
 * principle 5; Sean's 2026 APX prep moves RIP to its own `arch.rip`).
 * R16–R31 are not cached here: at every VM-exit they are already out of the
 * CPU (xcr.ts swaps them into the vCPU's own array), so that array is the
 * source of truth for the hypervisor, as Sean suggested for emulation.
 *
 * Reads and writes are "raw" (full 64 bits, `kvm_register_read_raw`); the
 * mode-truncating variants used for instruction operands are `readOperand` /
 * `writeOperand` (`kvm_register_read/write`, x86.h).
 */
import type { Counters } from '../counters.ts';
import type { Cpu } from '../../emu/cpu.ts';
import { NUM_LEGACY_GPRS, type Gpr } from '../../emu/regs.ts';

/** Cache slots: GPR 0–15, then RIP and RFLAGS (bitmap positions only, like VCPU_REG_RIP). */
const SLOT_RIP = NUM_LEGACY_GPRS;
const SLOT_RFLAGS = NUM_LEGACY_GPRS + 1;
const ALL = (1 << (NUM_LEGACY_GPRS + 2)) - 1;

/** Where R16–R31 of the guest live while the hypervisor runs (xcr.ts owns the array). */
export interface ExtendedGprs {
  readonly egprs: BigUint64Array;
}

export class RegCache {
  private readonly vals = new BigUint64Array(NUM_LEGACY_GPRS + 2);
  /** Bit n: slot n holds the current value. */
  private avail = 0;
  /** Bit n: slot n was written and must reach the CPU before the next entry. */
  private dirty = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly ext: ExtendedGprs,
    private readonly counters: Counters,
  ) {}

  // ------------------------------------------------------------------ GPRs
  /** kvm_register_read_raw: the full 64-bit value of a GPR (R16–R31 from the vCPU's own array). */
  gpr(g: Gpr): bigint {
    if (g >= NUM_LEGACY_GPRS) return this.ext.egprs[g - NUM_LEGACY_GPRS];
    if (!(this.avail & (1 << g))) this.fill(g);
    return this.vals[g];
  }

  /** kvm_register_write_raw: marks the GPR available and dirty. */
  setGpr(g: Gpr, v: bigint): void {
    if (g >= NUM_LEGACY_GPRS) {
      this.ext.egprs[g - NUM_LEGACY_GPRS] = BigInt.asUintN(64, v);
      return;
    }
    this.vals[g] = BigInt.asUintN(64, v);
    this.avail |= 1 << g;
    this.dirty |= 1 << g;
  }

  /** kvm_register_read (x86.h): truncated to 32 bits outside 64-bit mode. */
  readOperand(g: Gpr): bigint {
    const v = this.gpr(g);
    return this.cpu.mode64 ? v : v & 0xffffffffn;
  }

  /** kvm_register_write (x86.h): truncated to 32 bits outside 64-bit mode. */
  writeOperand(g: Gpr, v: bigint): void {
    this.setGpr(g, this.cpu.mode64 ? v : v & 0xffffffffn);
  }

  // ------------------------------------------------------------------ RIP
  rip(): bigint {
    if (!(this.avail & (1 << SLOT_RIP))) this.fill(SLOT_RIP);
    return this.vals[SLOT_RIP];
  }

  setRip(v: bigint): void {
    this.vals[SLOT_RIP] = BigInt.asUintN(64, v);
    this.avail |= 1 << SLOT_RIP;
    this.dirty |= 1 << SLOT_RIP;
  }

  // --------------------------------------------------------------- RFLAGS
  rflags(): bigint {
    if (!(this.avail & (1 << SLOT_RFLAGS))) this.fill(SLOT_RFLAGS);
    return this.vals[SLOT_RFLAGS];
  }

  setRflags(v: bigint): void {
    this.vals[SLOT_RFLAGS] = BigInt.asUintN(64, v);
    this.avail |= 1 << SLOT_RFLAGS;
    this.dirty |= 1 << SLOT_RFLAGS;
  }

  // ------------------------------------------------------- entry and exit
  /** After a VM-exit: nothing cached is current any more (VMX clears regs_avail for the lazy set). */
  invalidate(): void {
    if (this.dirty !== 0) throw new Error('register cache: dirty registers at a VM-exit (not flushed at entry)');
    this.avail = 0;
  }

  /** Before a VM-entry: write the dirty registers back to the CPU, then `regs_dirty = 0`. */
  flush(): void {
    let d = this.dirty;
    if (d === 0) return;
    const cpu = this.cpu;
    for (let n = 0; d !== 0; n++, d >>>= 1) {
      if (!(d & 1)) continue;
      this.counters.inc('regs.flush');
      if (n === SLOT_RIP) cpu.setRip(BigInt.asIntN(64, this.vals[n]));
      else if (n === SLOT_RFLAGS) cpu.writeRflags(Number(this.vals[n] & 0xffffffffn));
      else cpu.setGpr(n as Gpr, this.vals[n]);
    }
    this.dirty = 0;
  }

  /** Test view: the available and dirty bitmaps (bit 16 = RIP, bit 17 = RFLAGS). */
  bitmaps(): { available: number; dirty: number } {
    return { available: this.avail & ALL, dirty: this.dirty & ALL };
  }

  private fill(n: number): void {
    this.counters.inc('regs.fill');
    const cpu = this.cpu;
    this.vals[n] =
      n === SLOT_RIP ? cpu.getRip() : n === SLOT_RFLAGS ? BigInt(cpu.readRflags()) : cpu.getGpr(n as Gpr);
    this.avail |= 1 << n;
  }
}
