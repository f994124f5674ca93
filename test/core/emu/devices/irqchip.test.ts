import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../../../src/core/counters.ts';
import { attachIrqchip } from '../../../../src/core/emu/devices/attach.ts';
import { Irqchip } from '../../../../src/core/emu/devices/irqchip.ts';
import { DEFAULT_INSTRUCTIONS_PER_PIT_TICK, KVM_PIT_SPEAKER_DUMMY } from '../../../../src/core/emu/devices/pit.ts';
import { EXIT_BUDGET, EXIT_IDLE, EXIT_IO } from '../../../../src/emu/exits.ts';
import { RBX, gpr } from '../../../../src/emu/regs.ts';
import { CODE, DATA, makeMachine } from '../../../emu/machine.ts';

function linuxInit(chip: Irqchip): void {
  for (const [port, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 0x04], [0x21, 0x01], [0xa0, 0x11], [0xa1, 0x28], [0xa1, 0x02], [0xa1, 0x01]]) {
    expect(chip.portOut(port, 1, v)).toBe(true);
  }
}

describe('Irqchip facade', () => {
  it('claims the PIC ports, the PIT ports only once KVM_CREATE_PIT2 made the PIT', () => {
    const chip = new Irqchip(new Counters());
    expect(chip.portIn(0x21, 1)).toBe(0);
    expect(chip.portOut(0x43, 1, 0x34)).toBe(false);
    expect(chip.portIn(0x40, 1)).toBeUndefined();
    expect(chip.instructionsUntilNextEvent()).toBe(Infinity);
    chip.createPit({ flags: 0 });
    expect(() => chip.createPit({ flags: 0 })).toThrow(/already exists/);
    expect(chip.portOut(0x43, 1, 0x34)).toBe(true);
    expect(chip.portIn(0x40, 1)).toBeDefined();
    expect(chip.portIn(0x61, 1)).toBeUndefined(); // no KVM_PIT_SPEAKER_DUMMY
    expect(chip.portIn(0x3f8, 1)).toBeUndefined();
    expect(chip.portOut(0xe9, 1, 0)).toBe(false);
    expect(chip.counters.get('io.pic')).toBe(1);
    expect(chip.counters.get('io.pit')).toBe(2);
  });

  it('drives GSIs 0–15 from KVM_IRQ_LINE and counts what happened to each edge', () => {
    const chip = new Irqchip(new Counters());
    linuxInit(chip);
    chip.portOut(0x21, 1, 0xf3); // IRQ 2 (cascade) and 3
    chip.portOut(0xa1, 1, 0xef); // IRQ 12
    expect(chip.irqLine(3, 1)).toBe(1);
    expect(chip.irqLine(3, 0)).toBe(1);
    expect(chip.irqLine(3, 1)).toBe(0); // not acknowledged yet
    expect(chip.irqLine(3, 0)).toBe(1);
    expect(chip.irqLine(4, 1)).toBe(-1);
    expect(chip.hasInterrupt()).toBe(true);
    expect(chip.ack()).toBe(0x23);
    chip.portOut(0x20, 1, 0x20);
    chip.irqLine(12, 1);
    expect(chip.ack()).toBe(0x2c);
    expect(chip.ack()).toBe(0x27); // nothing left: spurious IRQ 7
    const c = chip.counters;
    expect([c.get('irq.raised'), c.get('irq.coalesced'), c.get('irq.masked')]).toEqual([2, 1, 1]);
    expect([c.get('irq.injected'), c.get('irq.spurious'), c.get('irq.eoi')]).toEqual([2, 1, 1]);
  });

  it('pulses IRQ 0 from the PIT and holds the next tick until the EOI (reinject)', () => {
    const chip = new Irqchip(new Counters());
    linuxInit(chip);
    chip.portOut(0x21, 1, 0xfe);
    const pit = chip.createPit({ flags: KVM_PIT_SPEAKER_DUMMY }, { instructionsPerPitTick: 10, minPeriodTicks: 1 });
    chip.portOut(0x43, 1, 0x34);
    chip.portOut(0x40, 1, 100);
    chip.portOut(0x40, 1, 0);
    expect(chip.instructionsUntilNextEvent()).toBe(1000);
    chip.advance(1000);
    expect(chip.hasInterrupt()).toBe(true);
    expect(chip.ack()).toBe(0x20);
    chip.advance(2000); // two more ticks while IRQ 0 is in service
    expect(pit.pending).toBe(3);
    chip.portOut(0x20, 1, 0x20); // EOI releases one held tick
    expect(chip.hasInterrupt()).toBe(true);
    expect(chip.counters.get('pit.tick')).toBe(3);
    expect(chip.counters.get('pit.reinjected')).toBe(1);
  });
});

/**
 * The guest (test/core/emu/devices/tick.s, GNU as): sets IDT gate 0x20,
 * initialises the PIC as Linux does (0x11, base, cascade, 0x01), unmasks
 * IRQ 0, programs PIT channel 0 in mode 2 with divisor 1193 (1000 Hz), STI,
 * then waits for 10 ticks in a HLT loop (R12 = 0) or spinning (R12 ≠ 0).
 * The handler stores the low TSC word of each tick at DATA + 4n, counts in
 * EBX and sends a non-specific EOI. Finally OUT 0xE9 (no in-kernel device).
 */
const TICK_GUEST = [
  0x48, 0x8d, 0x05, 0x89, 0x00, 0x00, 0x00, 0x66, 0x89, 0x04, 0x25, 0x00,
  0x62, 0x00, 0x00, 0x66, 0xc7, 0x04, 0x25, 0x02, 0x62, 0x00, 0x00, 0x08,
  0x00, 0x66, 0xc7, 0x04, 0x25, 0x04, 0x62, 0x00, 0x00, 0x00, 0x8e, 0x48,
  0xc1, 0xe8, 0x10, 0x66, 0x89, 0x04, 0x25, 0x06, 0x62, 0x00, 0x00, 0x48,
  0xc1, 0xe8, 0x10, 0x89, 0x04, 0x25, 0x08, 0x62, 0x00, 0x00, 0xc7, 0x04,
  0x25, 0x0c, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb0, 0x11, 0xe6,
  0x20, 0xe6, 0xa0, 0xb0, 0x20, 0xe6, 0x21, 0xb0, 0x28, 0xe6, 0xa1, 0xb0,
  0x04, 0xe6, 0x21, 0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01, 0xe6, 0x21, 0xe6,
  0xa1, 0xb0, 0xfe, 0xe6, 0x21, 0xb0, 0xff, 0xe6, 0xa1, 0xb0, 0x34, 0xe6,
  0x43, 0xb0, 0xa9, 0xe6, 0x40, 0xb0, 0x04, 0xe6, 0x40, 0x31, 0xdb, 0xfb,
  0x45, 0x85, 0xe4, 0x75, 0x08, 0xf4, 0x83, 0xfb, 0x0a, 0x72, 0xfa, 0xeb,
  0x05, 0x83, 0xfb, 0x0a, 0x72, 0xfb, 0xfa, 0xb0, 0x42, 0xe6, 0xe9, 0xf4,
  0x50, 0x52, 0x0f, 0x31, 0x89, 0x04, 0x9d, 0x00, 0x00, 0x20, 0x00, 0xff,
  0xc3, 0xb0, 0x20, 0xe6, 0x20, 0x5a, 0x58, 0x48, 0xcf,
];
const OUT_E9 = 0x8d; // offset of `out 0xe9, al`
const R12 = gpr(12);
const PERIOD = 1193 * DEFAULT_INSTRUCTIONS_PER_PIT_TICK; // 100,212 instructions

/** The bytes of tick.s as GNU as assembles them, or null (with the reason printed) without binutils. */
function assembleTick(): number[] | null {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-tick-'));
  try {
    const src = new URL('./tick.s', import.meta.url).pathname;
    execFileSync('as', ['--64', '-o', join(dir, 't.o'), src]);
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')]);
    return Array.from(readFileSync(join(dir, 't.bin')));
  } catch (e) {
    console.log(`tick.s not re-assembled (GNU as/objcopy unavailable: ${(e as Error).message}); using the committed bytes`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runTickGuest(spin: boolean, budget = 2_000_000) {
  const cpu = makeMachine(TICK_GUEST);
  cpu.setGpr(R12, spin ? 1n : 0n);
  const counters = new Counters();
  const chip = new Irqchip(counters);
  chip.createPit({ flags: 0 });
  const vcpu = attachIrqchip(cpu, chip);
  const exit = vcpu.run(budget);
  const ticks = Array.from({ length: 10 }, (_, k) => cpu.mem.dv.getUint32(DATA + 4 * k, true));
  return { cpu, chip, vcpu, exit, ticks, counters };
}

describe('end to end: a guest takes PIT ticks through the PIC on the emulated CPU', () => {
  it('runs the bytes tick.s assembles to', () => {
    const bytes = assembleTick();
    if (bytes !== null) expect(bytes).toEqual(TICK_GUEST);
  });

  for (const spin of [false, true]) {
    it(`counts 10 ticks exactly one period apart (${spin ? 'spinning' : 'HLT idle loop'})`, () => {
      const { cpu, chip, vcpu, exit, ticks, counters } = runTickGuest(spin);
      expect(exit.name).toBe('io');
      expect(exit.reason).toBe(EXIT_IO);
      expect([exit.port, exit.size, exit.out, exit.value]).toEqual([0xe9, 1, true, 0x42]);
      expect(cpu.rip).toBe(CODE + OUT_E9); // the OUT is left for userspace to complete
      expect(exit.insnLen).toBe(2);
      expect(cpu.getGpr(RBX)).toBe(10n);
      // Ticks come exactly PERIOD instructions of guest time apart, from the PIT load on.
      const load = chip.pit!.channels[0].loadTime;
      ticks.forEach((t, k) => expect(t - load).toBe((k + 1) * PERIOD + 2)); // + push rax, push rdx
      expect(counters.get('pit.tick')).toBe(10);
      expect(counters.get('irq.injected')).toBe(10);
      expect(counters.get('irq.eoi')).toBe(10);
      expect(counters.get('pit.held')).toBe(0);
      expect(counters.get('irq.spurious')).toBe(0);
      if (spin) {
        expect(vcpu.idleInstructions).toBe(0);
        expect(cpu.icount).toBeGreaterThan(10 * PERIOD);
      } else {
        // Nearly all of the time was skipped in HLT; only the loop and the handlers retired.
        expect(cpu.icount).toBeLessThan(200);
        expect(cpu.icount + vcpu.idleInstructions).toBe(chip.pit!.now);
        expect(chip.pit!.now).toBeGreaterThan(10 * PERIOD);
      }
    });
  }

  for (const spin of [false, true]) it(`is deterministic and independent of how the run is sliced (${spin ? 'spinning' : 'HLT'})`, () => {
    const whole = runTickGuest(spin);
    const cpu = makeMachine(TICK_GUEST);
    cpu.setGpr(R12, spin ? 1n : 0n);
    const chip = new Irqchip(new Counters());
    chip.createPit({ flags: 0 });
    const vcpu = attachIrqchip(cpu, chip);
    let exit;
    let runs = 0;
    do {
      exit = vcpu.run(7_777);
      runs++;
    } while (exit.reason === EXIT_BUDGET && runs < 1000);
    expect(exit.reason).toBe(EXIT_IO);
    expect(runs).toBeGreaterThan(spin ? 100 : 10);
    expect(cpu.icount).toBe(whole.cpu.icount);
    expect(vcpu.idleInstructions).toBe(whole.vcpu.idleInstructions);
    expect(cpu.mem.u8.slice(DATA, DATA + 40)).toEqual(whole.cpu.mem.u8.slice(DATA, DATA + 40));
  });

  it('reports an idle CPU that nothing can wake (HLT with IF = 0)', () => {
    const { cpu, vcpu } = runTickGuest(false);
    cpu.rip += 2; // skip the OUT, as userspace completing it would
    const exit = vcpu.run(1_000_000);
    expect(exit.reason).toBe(EXIT_IDLE);
    expect(cpu.halted).toBe(true);
  });

  it('lets in-kernel port accesses see the time of their own instruction (count latched mid-slice)', () => {
    // mov al,0x34; out 0x43,al; mov al,0; out 0x40,al; out 0x40,al (count 65536, loaded at icount 4);
    // 840 × nop; mov al,0; out 0x43,al (latch at icount 846); in al,0x40; mov bl,al; in al,0x40; mov bh,al; out 0xe9,al
    const code = [
      0xb0, 0x34, 0xe6, 0x43, 0xb0, 0x00, 0xe6, 0x40, 0xe6, 0x40, ...new Array(840).fill(0x90),
      0xb0, 0x00, 0xe6, 0x43, 0xe4, 0x40, 0x88, 0xc3, 0xe4, 0x40, 0x88, 0xc7, 0xe6, 0xe9,
    ];
    const cpu = makeMachine(code);
    const chip = new Irqchip(new Counters());
    chip.createPit({ flags: 0 });
    const exit = attachIrqchip(cpu, chip).run(2_000_000); // one slice: no timer was armed at its start
    expect(exit.reason).toBe(EXIT_IO);
    expect(chip.pit!.channels[0].loadTime).toBe(4);
    expect(cpu.getGpr(RBX) & 0xffffn).toBe(BigInt(0x10000 - Math.floor((846 - 4) / DEFAULT_INSTRUCTIONS_PER_PIT_TICK)));
  });

  it('keeps INTR low while blockIrq (KVM_GUESTDBG_BLOCKIRQ) is set; the ticks wait in the PIC', () => {
    const cpu = makeMachine(TICK_GUEST);
    cpu.setGpr(R12, 1n); // spin
    const chip = new Irqchip(new Counters());
    chip.createPit({ flags: 0 });
    const vcpu = attachIrqchip(cpu, chip);
    vcpu.blockIrq = true;
    expect(vcpu.run(3 * PERIOD).reason).toBe(EXIT_BUDGET);
    expect(cpu.getGpr(RBX)).toBe(0n);
    expect(chip.counters.get('pit.tick')).toBe(2); // the second is held by reinject
    expect(chip.hasInterrupt()).toBe(true);
    vcpu.blockIrq = false;
    vcpu.run(100); // the first tick, then the held one on its EOI, then the third (due at load + 3 periods)
    expect(cpu.getGpr(RBX)).toBe(3n);
    expect(chip.counters.get('pit.reinjected')).toBe(1);
    expect(chip.counters.get('pit.tick')).toBe(3);
  });
});
