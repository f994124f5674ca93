/**
 * The guest of irqchip-e2e.test.ts (irqchip-e2e.s) and its driver over any
 * Backend through the uAPI classes (openKvm → Kvm/VmFd/VcpuFd, the same
 * ioctl bytes on both backends), so the same function runs the guest on the
 * emulated hypervisor and on real /dev/kvm.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKvm } from '../../../src/core/api/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { BOOT_CODE_ADDR, writeLongModeTables } from '../../../src/core/boot/longmode.ts';
import { DEFAULT_INSTRUCTIONS_PER_PIT_TICK } from '../../../src/core/emu/devices/pit.ts';
import type { KvmRegs, KvmSregs } from '../../../src/core/uapi/structs.ts';

/** irqchip-e2e.s as GNU as assembles it (irqchip-e2e.test.ts checks it when `as` is installed). */
export const GUEST = [
  0x48, 0x8d, 0x05, 0xa1, 0x00, 0x00, 0x00, 0xbf, 0x00, 0x22, 0x00, 0x00,
  0xe8, 0x71, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x05, 0xb4, 0x00, 0x00, 0x00,
  0xbf, 0x40, 0x22, 0x00, 0x00, 0xe8, 0x60, 0x00, 0x00, 0x00, 0xb0, 0xff,
  0xe6, 0x21, 0xe6, 0xa1, 0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x20, 0xe6, 0x21,
  0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x01, 0xe6, 0x21, 0xb0, 0x11, 0xe6, 0xa0,
  0xb0, 0x28, 0xe6, 0xa1, 0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01, 0xe6, 0xa1,
  0xb0, 0xee, 0xe6, 0x21, 0xb0, 0xff, 0xe6, 0xa1, 0xb0, 0x34, 0xe6, 0x43,
  0xb0, 0xa9, 0xe6, 0x40, 0xb0, 0x04, 0xe6, 0x40, 0x0f, 0x31, 0x48, 0xc1,
  0xe2, 0x20, 0x48, 0x09, 0xd0, 0x48, 0x89, 0x04, 0x25, 0xf8, 0xff, 0x01,
  0x00, 0x31, 0xdb, 0x45, 0x31, 0xed, 0xfb, 0xf4, 0x44, 0x39, 0xe3, 0x72,
  0xfa, 0xfa, 0x89, 0xd8, 0x66, 0xba, 0x01, 0x05, 0xee, 0xf4, 0x66, 0x89,
  0x07, 0x66, 0xc7, 0x47, 0x02, 0x08, 0x00, 0x66, 0xc7, 0x47, 0x04, 0x00,
  0x8e, 0x48, 0xc1, 0xe8, 0x10, 0x66, 0x89, 0x47, 0x06, 0x48, 0xc1, 0xe8,
  0x10, 0x89, 0x47, 0x08, 0xc7, 0x47, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc3,
  0x50, 0x52, 0x0f, 0x31, 0x48, 0xc1, 0xe2, 0x20, 0x48, 0x09, 0xd0, 0x48,
  0x89, 0x04, 0xdd, 0x00, 0x00, 0x02, 0x00, 0xff, 0xc3, 0x89, 0xd8, 0x66,
  0xba, 0xf8, 0x03, 0xee, 0xb0, 0x20, 0xe6, 0x20, 0x5a, 0x58, 0x48, 0xcf,
  0x50, 0x52, 0x41, 0xff, 0xc5, 0x44, 0x89, 0xe8, 0x66, 0xba, 0xf8, 0x02,
  0xee, 0xb0, 0x20, 0xe6, 0x20, 0x5a, 0x58, 0x48, 0xcf,
];
/** Offsets in GUEST (objdump of irqchip-e2e.o). */
export const OFF_EXIT_OUT = 0x80; // out dx, al (0x501)
export const OFF_TICK_OUT = 0xc3; // out dx, al (0x3f8) in `tick`
export const OFF_IRQ4_OUT = 0xd8; // out dx, al (0x2f8) in `irq4`
export const PORT_TICK = 0x3f8, PORT_IRQ4 = 0x2f8, PORT_EXIT = 0x501;
const TSC_AT_LOAD = 0x1fff8, TSC_TICKS = 0x20000;
const MEM_SIZE = 2 << 20;
/** One PIT period in guest instructions on emu: LATCH 1193 × 84 instructions per PIT clock. */
export const PERIOD = 1193 * DEFAULT_INSTRUCTIONS_PER_PIT_TICK;

export function assembleGuest(): number[] | null {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-irqchip-e2e-'));
  try {
    const src = new URL('./irqchip-e2e.s', import.meta.url).pathname;
    execFileSync('as', ['--64', '-o', join(dir, 'g.o'), src]);
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'g.o'), join(dir, 'g.bin')]);
    return Array.from(readFileSync(join(dir, 'g.bin')));
  } catch (e) {
    console.log(`irqchip-e2e.s not re-assembled (GNU as/objcopy unavailable: ${(e as Error).message}); using the committed bytes`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One KVM_RUN's return as the test records it. */
export interface IoExit {
  port: number;
  value: number;
  regs: KvmRegs;
}

export interface GuestRun {
  /** Every KVM_RUN return, in order: OUTs only if the guest behaves; anything else ends the run. */
  exits: IoExit[];
  /** The exits that were not a guest OUT (an error: HLT, INTERNAL_ERROR…) as `kind`. */
  other: string[];
  regs: KvmRegs;
  sregs: KvmSregs;
  tscAtLoad: bigint;
  tscTicks: bigint[];
  vmCounters: Readonly<Record<string, number>>;
  vcpuCounters: Readonly<Record<string, number>>;
}

export interface RunOptions {
  ticks: number;
  /** Raise then lower KVM_IRQ_LINE 4 when the guest reports this tick (OUT 0x3f8 of value n). */
  irq4AtTick?: number;
  maxExits?: number;
}

/** The guest on any Backend, through the uAPI classes (openKvm: one method per ioctl). */
export async function runGuest(backend: Backend, opts: RunOptions): Promise<GuestRun> {
  const kvm = openKvm(backend);
  const vm = kvm.createVm();
  try {
    vm.createIrqchip();
    vm.createPit2({ flags: 0 });
    const mem = vm.mapMemory({ size: MEM_SIZE });
    const state = writeLongModeTables(mem.bytes);
    mem.bytes.set(GUEST, BOOT_CODE_ADDR);
    const vcpu = vm.createVcpu(0);
    vcpu.setCpuid2(kvm.getSupportedCpuid());
    // APIC base 0: the LAPIC hardware-disabled, so KVM routes the PIC's INTR to the vCPU
    // (kvm_apic_accept_pic_intr). The emulated hypervisor has no LAPIC; it just keeps the value.
    vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs, apic_base: 0n });
    vcpu.setRegs({ ...state.regs, r12: BigInt(opts.ticks) });

    const exits: IoExit[] = [];
    const other: string[] = [];
    const max = opts.maxExits ?? opts.ticks + 10;
    while (exits.length + other.length < max) {
      const e = await vcpu.runAsync();
      if (e.kind !== 'io' || e.direction !== 'out' || e.size !== 1) {
        other.push(e.kind === 'io' ? `io ${e.direction} 0x${e.port.toString(16)}/${e.size}` : e.kind);
        break;
      }
      exits.push({ port: e.port, value: e.data[0], regs: vcpu.getRegs() });
      if (e.port === PORT_EXIT) break;
      if (e.port === PORT_TICK && e.data[0] === opts.irq4AtTick) {
        vm.irqLine(4, 1);
        vm.irqLine(4, 0);
      }
    }
    const dv = new DataView(mem.bytes.buffer, mem.bytes.byteOffset, MEM_SIZE);
    const ticks = exits.filter((e) => e.port === PORT_TICK).length;
    return {
      exits, other, regs: vcpu.getRegs(), sregs: vcpu.getSregs(),
      tscAtLoad: dv.getBigUint64(TSC_AT_LOAD, true),
      tscTicks: Array.from({ length: ticks }, (_, k) => dv.getBigUint64(TSC_TICKS + 8 * k, true)),
      vmCounters: vm.counters(),
      vcpuCounters: vcpu.counters(),
    };
  } finally {
    vm.close();
    kvm.close();
  }
}
