/**
 * The in-kernel irqchip end to end THROUGH THE BACKEND: only the ioctl
 * surface (the shared uAPI layouts, the same bytes the uAPI classes send).
 * KVM_CREATE_IRQCHIP + KVM_CREATE_PIT2, a long-mode guest (irqchip-e2e.s,
 * real bytes) that programs the PIC as Linux's init_8259A and the PIT as
 * Linux's periodic clockevent (mode 2, 1000 Hz), counts ticks in an IDT gate
 * for vector 0x20 (TSC stamp, OUT 0x3f8, EOI) and HLTs with interrupts on;
 * after N ticks it writes OUT 0x501. Host-raised KVM_IRQ_LINE 4 reaches its
 * vector 0x24 handler (OUT 0x2f8).
 *
 * The driver (`runGuest`) speaks only `Backend`, so the same function runs
 * the guest on real /dev/kvm once a kvm Backend exists; see the end of file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/core/backend.ts';
import { BOOT_CODE_ADDR, writeLongModeTables } from '../../../src/core/boot/longmode.ts';
import { DEFAULT_INSTRUCTIONS_PER_PIT_TICK } from '../../../src/core/emu/devices/pit.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { decodeExit } from '../../../src/core/uapi/exit.ts';
import { decodeCpuid2, encodeCpuid2 } from '../../../src/core/uapi/fam.ts';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import {
  kvmIrqLevel, kvmPitConfig, kvmRegs, kvmSregs, kvmUserspaceMemoryRegion, type KvmRegs, type KvmSregs,
} from '../../../src/core/uapi/structs.ts';

/** irqchip-e2e.s as GNU as assembles it (checked below when `as` is installed). */
const GUEST = [
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
const OFF_EXIT_OUT = 0x80; // out dx, al (0x501)
const OFF_TICK_OUT = 0xc3; // out dx, al (0x3f8) in `tick`
const OFF_IRQ4_OUT = 0xd8; // out dx, al (0x2f8) in `irq4`
const PORT_TICK = 0x3f8, PORT_IRQ4 = 0x2f8, PORT_EXIT = 0x501;
const TSC_AT_LOAD = 0x1fff8, TSC_TICKS = 0x20000;
const MEM_SIZE = 2 << 20;
/** One PIT period in guest instructions on emu: LATCH 1193 × 84 instructions per PIT clock. */
const PERIOD = 1193 * DEFAULT_INSTRUCTIONS_PER_PIT_TICK;

function assembleGuest(): number[] | null {
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
interface IoExit {
  port: number;
  value: number;
  regs: KvmRegs;
}

interface GuestRun {
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

interface RunOptions {
  ticks: number;
  /** Raise then lower KVM_IRQ_LINE 4 when the guest reports this tick (OUT 0x3f8 of value n). */
  irq4AtTick?: number;
  maxExits?: number;
}

/** The guest on any Backend, through ioctls only. */
async function runGuest(b: Backend, opts: RunOptions): Promise<GuestRun> {
  const sys = b.openSystem();
  const vm = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
  b.ioctl(vm, KvmIoctl.KVM_CREATE_IRQCHIP, 0);
  b.ioctl(vm, KvmIoctl.KVM_CREATE_PIT2, kvmPitConfig.encode({ flags: 0 }));
  const mem = b.allocMemory(MEM_SIZE);
  const state = writeLongModeTables(mem.bytes);
  mem.bytes.set(GUEST, BOOT_CODE_ADDR);
  b.ioctl(vm, KvmIoctl.KVM_SET_USER_MEMORY_REGION, kvmUserspaceMemoryRegion.encode({
    slot: 0, flags: 0, guest_phys_addr: 0n, memory_size: BigInt(MEM_SIZE), userspace_addr: mem.addr,
  }));
  const vcpu = b.ioctl(vm, KvmIoctl.KVM_CREATE_VCPU, 0);
  const run = b.mapRun(vcpu, b.ioctl(sys, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0));
  const cpuid = encodeCpuid2(256);
  b.ioctl(sys, KvmIoctl.KVM_GET_SUPPORTED_CPUID, cpuid);
  b.ioctl(vcpu, KvmIoctl.KVM_SET_CPUID2, encodeCpuid2(decodeCpuid2(cpuid)));
  const getRegs = () => {
    const buf = new Uint8Array(kvmRegs.size);
    b.ioctl(vcpu, KvmIoctl.KVM_GET_REGS, buf);
    return kvmRegs.decode(buf);
  };
  const getSregs = () => {
    const buf = new Uint8Array(kvmSregs.size);
    b.ioctl(vcpu, KvmIoctl.KVM_GET_SREGS, buf);
    return kvmSregs.decode(buf);
  };
  // APIC base 0: the LAPIC hardware-disabled, so KVM routes the PIC's INTR to the vCPU
  // (kvm_apic_accept_pic_intr). The emulated hypervisor has no LAPIC; it just keeps the value.
  b.ioctl(vcpu, KvmIoctl.KVM_SET_SREGS, kvmSregs.encode({ ...getSregs(), ...state.sregs, apic_base: 0n }));
  b.ioctl(vcpu, KvmIoctl.KVM_SET_REGS, kvmRegs.encode({ ...state.regs, r12: BigInt(opts.ticks) }));

  const irqLine = (irq: number, level: number) => b.ioctl(vm, KvmIoctl.KVM_IRQ_LINE, kvmIrqLevel.encode({ irq, level }));
  const exits: IoExit[] = [];
  const other: string[] = [];
  const max = opts.maxExits ?? opts.ticks + 10;
  while (exits.length + other.length < max) {
    await b.ioctlAsync(vcpu, KvmIoctl.KVM_RUN, 0);
    const e = decodeExit(run);
    if (e.kind !== 'io' || e.direction !== 'out' || e.size !== 1) {
      other.push(e.kind === 'io' ? `io ${e.direction} 0x${e.port.toString(16)}/${e.size}` : e.kind);
      break;
    }
    exits.push({ port: e.port, value: e.data[0], regs: getRegs() });
    if (e.port === PORT_EXIT) break;
    if (e.port === PORT_TICK && e.data[0] === opts.irq4AtTick) {
      irqLine(4, 1);
      irqLine(4, 0);
    }
  }
  const dv = new DataView(mem.bytes.buffer, mem.bytes.byteOffset, MEM_SIZE);
  const ticks = exits.filter((e) => e.port === PORT_TICK).length;
  const result: GuestRun = {
    exits, other, regs: getRegs(), sregs: getSregs(),
    tscAtLoad: dv.getBigUint64(TSC_AT_LOAD, true),
    tscTicks: Array.from({ length: ticks }, (_, k) => dv.getBigUint64(TSC_TICKS + 8 * k, true)),
    vmCounters: b.counters(vm),
    vcpuCounters: b.counters(vcpu),
  };
  b.close(vcpu);
  b.close(vm);
  b.close(sys);
  b.freeMemory(mem);
  return result;
}

const N = 10;
const IRQ4_AT = 3;

describe('in-kernel PIC + PIT end to end through the emulated backend', () => {
  it('runs the bytes irqchip-e2e.s assembles to', () => {
    const bytes = assembleGuest();
    if (bytes !== null) expect(bytes).toEqual(GUEST);
  });

  it('takes N ticks; KVM_RUN returns only the guest OUTs, never KVM_EXIT_HLT', async () => {
    const r = await runGuest(new EmuBackend(), { ticks: N });
    expect(r.other).toEqual([]);
    expect(r.exits.map((e) => [e.port, e.value])).toEqual([
      ...Array.from({ length: N }, (_, k) => [PORT_TICK, k + 1]),
      [PORT_EXIT, N],
    ]);
    // Each tick's OUT is the handler's, left at the OUT for the next KVM_RUN to complete.
    for (const e of r.exits.slice(0, N)) expect(e.regs.rip).toBe(BigInt(BOOT_CODE_ADDR + OFF_TICK_OUT));
    expect(r.exits[N].regs.rip).toBe(BigInt(BOOT_CODE_ADDR + OFF_EXIT_OUT));
    expect(r.regs.rbx).toBe(BigInt(N));
    expect(r.regs.r13).toBe(0n);
  });

  it('ticks come exactly one PIT period apart in guest instructions (TSC read in the handler)', async () => {
    const r = await runGuest(new EmuBackend(), { ticks: N });
    expect(r.tscTicks).toHaveLength(N);
    // TSC_AT_LOAD is read one instruction after the OUT that loads the count; each tick's stamp two
    // instructions (push rax, push rdx) into the handler.
    r.tscTicks.forEach((t, k) => expect(t - r.tscAtLoad).toBe(BigInt((k + 1) * PERIOD + 1)));
    for (let k = 1; k < N; k++) expect(r.tscTicks[k] - r.tscTicks[k - 1]).toBe(BigInt(PERIOD));
  });

  it('is deterministic: twice → identical I/O exits, register state and TSC stamps', async () => {
    const a = await runGuest(new EmuBackend(), { ticks: N, irq4AtTick: IRQ4_AT });
    const b = await runGuest(new EmuBackend(), { ticks: N, irq4AtTick: IRQ4_AT });
    expect(b.exits).toEqual(a.exits);
    expect(b.regs).toEqual(a.regs);
    expect(b.sregs).toEqual(a.sregs);
    expect(b.tscTicks).toEqual(a.tscTicks);
    expect(b.tscAtLoad).toBe(a.tscAtLoad);
    expect(b.vmCounters).toEqual(a.vmCounters);
    expect(b.vcpuCounters).toEqual(a.vcpuCounters);
  });

  it('KVM_IRQ_LINE 4 raised from userspace reaches the guest at vector 0x24 after the tick it interrupted', async () => {
    const r = await runGuest(new EmuBackend(), { ticks: N, irq4AtTick: IRQ4_AT });
    expect(r.other).toEqual([]);
    // Raised while the tick handler is at its OUT (IF = 0, IRQ 0 in service): latched in IRR, delivered
    // right after the handler's EOI and IRETQ, before the next tick.
    expect(r.exits.map((e) => [e.port, e.value])).toEqual([
      ...Array.from({ length: IRQ4_AT }, (_, k) => [PORT_TICK, k + 1]),
      [PORT_IRQ4, 1],
      ...Array.from({ length: N - IRQ4_AT }, (_, k) => [PORT_TICK, IRQ4_AT + k + 1]),
      [PORT_EXIT, N],
    ]);
    expect(r.exits[IRQ4_AT].regs.rip).toBe(BigInt(BOOT_CODE_ADDR + OFF_IRQ4_OUT));
    expect(r.regs.r13).toBe(1n);
    // The extra interrupt does not move the ticks: still one period apart.
    for (let k = 1; k < N; k++) expect(r.tscTicks[k] - r.tscTicks[k - 1]).toBe(BigInt(PERIOD));
  });

  it('counters match the ticks: irq.injected, pit.tick, irq.eoi, in-kernel port accesses, vmexit.*', async () => {
    const r = await runGuest(new EmuBackend(), { ticks: N, irq4AtTick: IRQ4_AT });
    const vm = r.vmCounters, vcpu = r.vcpuCounters;
    console.log('[irqchip-e2e] emu VM counters:', JSON.stringify(vm));
    console.log('[irqchip-e2e] emu vCPU counters:', JSON.stringify(vcpu));
    expect(vm['pit.tick']).toBe(N);
    expect(vm['irq.injected']).toBe(N + 1); // N ticks + IRQ 4
    expect(vm['irq.eoi']).toBe(N + 1);
    expect(vm['irq.raised']).toBe(N + 1);
    expect(vm['irq.spurious'] ?? 0).toBe(0);
    expect(vm['irq.coalesced'] ?? 0).toBe(0);
    expect(vm['pit.held'] ?? 0).toBe(0);
    expect(vm['io.pic']).toBe(12 + N + 1); // init_8259A's 12 OUTs + one EOI per interrupt
    expect(vm['io.pit']).toBe(3);
    // The only VM-exits are the OUTs to ports no in-kernel device claims; HLT never leaves the kernel.
    const vmexits = Object.fromEntries(Object.entries(vcpu).filter(([k]) => k.startsWith('vmexit.')));
    expect(vmexits).toEqual({ 'vmexit.io': N + 2 });
    const exits = Object.fromEntries(Object.entries(vcpu).filter(([k]) => k.startsWith('exit.')));
    expect(exits).toEqual({ 'exit.io': N + 2 });
  });
});
