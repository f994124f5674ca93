/**
 * The in-kernel irqchip end to end THROUGH THE BACKEND: only the ioctl
 * surface, through the uAPI classes (openKvm).
 * KVM_CREATE_IRQCHIP + KVM_CREATE_PIT2, a long-mode guest (irqchip-e2e.s,
 * real bytes) that programs the PIC as Linux's init_8259A and the PIT as
 * Linux's periodic clockevent (mode 2, 1000 Hz), counts ticks in an IDT gate
 * for vector 0x20 (TSC stamp, OUT 0x3f8, EOI) and HLTs with interrupts on;
 * after N ticks it writes OUT 0x501. Host-raised KVM_IRQ_LINE 4 reaches its
 * vector 0x24 handler (OUT 0x2f8).
 *
 * The driver (`runGuest`, irqchip-guest.ts) speaks only `Backend`, so the
 * same function runs the guest on real /dev/kvm (last describe), where only
 * what is meaningful is asserted: KVM's PIT runs on wall-clock time.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_CODE_ADDR } from '../../../src/core/boot/longmode.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { kvmSkipReason } from '../kvm/available.ts';
import {
  GUEST, OFF_EXIT_OUT, OFF_IRQ4_OUT, OFF_TICK_OUT, PERIOD, PORT_EXIT, PORT_IRQ4, PORT_TICK, assembleGuest, runGuest,
} from './irqchip-guest.ts';

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
    expect(vcpu['ioctl.KVM_RUN']).toBe(N + 2); // every KVM_RUN returned with one of the guest's OUTs
    expect(vm['ioctl.KVM_IRQ_LINE']).toBe(2);
  });
});

const kvmSkip = kvmSkipReason('irqchip e2e on /dev/kvm');

describe.skipIf(kvmSkip !== undefined)('the same guest on /dev/kvm (KVM_CREATE_IRQCHIP + KVM_CREATE_PIT2)', () => {
  it('takes N ticks and reaches the exit port; HLT stays in the kernel; KVM_IRQ_LINE 4 reaches the guest', async () => {
    const t0 = performance.now();
    const r = await runGuest(new KvmBackend(), { ticks: N, irq4AtTick: IRQ4_AT });
    const ms = performance.now() - t0;
    console.log(`[irqchip-e2e] kvm: ${N} ticks in ${ms.toFixed(1)} ms; exits ${JSON.stringify(r.exits.map((e) => [e.port.toString(16), e.value]))}; other ${JSON.stringify(r.other)}`);
    expect(r.other).toEqual([]); // in particular no KVM_EXIT_HLT: the in-kernel irqchip handles HLT
    const ticks = r.exits.filter((e) => e.port === PORT_TICK).map((e) => e.value);
    expect(ticks).toEqual(Array.from({ length: N }, (_, k) => k + 1));
    expect(r.exits.at(-1)).toMatchObject({ port: PORT_EXIT, value: N });
    expect(r.regs.rbx).toBe(BigInt(N));
    // IRQ 4 arrives once, after it was raised (at tick IRQ4_AT's exit). Its place among the ticks is not
    // asserted: a PIT tick due while userspace handled the exit is pending too, and IRQ 0 wins on priority.
    const irq4 = r.exits.findIndex((e) => e.port === PORT_IRQ4);
    if (irq4 < 0) {
      // Seen under a loaded machine: KVM's PIT is wall-clock and reinjects missed ticks one per EOI
      // (its default policy), and IRQ 0 outranks IRQ 4, so a backlog of ticks can keep IRQ 4 in the
      // PIC's IRR until the guest's last tick. It must then still be pending, never lost or doubled.
      console.warn('[irqchip-e2e] kvm: IRQ 4 was still pending behind a backlog of wall-clock PIT ticks when the guest stopped');
      expect(r.regs.r13).toBe(0n);
    } else {
      expect(irq4).toBeGreaterThanOrEqual(IRQ4_AT);
      expect(r.exits.filter((e) => e.port === PORT_IRQ4).map((e) => e.value)).toEqual([1]);
      expect(r.regs.r13).toBe(1n);
    }
    if (irq4 > IRQ4_AT) console.log(`[irqchip-e2e] kvm: IRQ 4 came after ${irq4 - IRQ4_AT} more tick(s) (wall-clock PIT), emu delivers it right after the EOI`);
    // Wall-clock time: N ticks of a 1193-count period cannot come sooner than N × 0.99985 ms after the load.
    expect(ms).toBeGreaterThanOrEqual(N * 0.99);
    const deltas = r.tscTicks.map((t, k) => t - (k === 0 ? r.tscAtLoad : r.tscTicks[k - 1]));
    for (const d of deltas) expect(d > 0n).toBe(true);
    console.log(`[irqchip-e2e] kvm differs from emu: tick-to-tick TSC deltas ${deltas.join(' ')} (TSC cycles of wall-clock time, ` +
      `not ${PERIOD} instructions; KVM's PIT is an hrtimer); runs are not repeatable, so determinism is asserted on emu only`);
    // Where RIP is at a port exit: VMX/SVM fast PIO (and emu, which models it) leave it at the OUT for
    // complete_fast_pio_out; an OUT that went through KVM's instruction emulator (PVM runs CPL 0 there) has
    // RIP written back past the OUT before the exit.
    const tickOut = BigInt(BOOT_CODE_ADDR + OFF_TICK_OUT);
    const rips = new Set(r.exits.filter((e) => e.port === PORT_TICK).map((e) => e.regs.rip - tickOut));
    expect([...rips].every((d) => d === 0n || d === 1n)).toBe(true);
    if (rips.has(1n)) console.log('[irqchip-e2e] kvm: RIP at the OUT exits is past the OUT (emulated PIO, as kvm_pvm runs CPL 0); emu and VMX fast PIO report it at the OUT');
    console.log(`[irqchip-e2e] kvm backend counters (vCPU): ${JSON.stringify(r.vcpuCounters)}`);
    expect(r.vcpuCounters['ioctl.KVM_RUN']).toBe(r.exits.length);
    expect(r.vcpuCounters['exit.io']).toBe(r.exits.length);
  }, 60_000);
});
