/**
 * The lazy DR switch (uapi.md §3.3–3.4, §3.7) and the XCR0 / R16–R31 switch
 * (§4.1–4.3) walked entry by entry: counters and hardware state after each
 * guest entry and exit, seen through the vCPU's test view.
 */
import { describe, expect, it } from 'vitest';
import type { Transition } from '../../../src/core/emu/vcpu.ts';
import { hostEgprPattern } from '../../../src/core/emu/xcr.ts';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { KvmGuestDbg as G, kvmXcrs } from '../../../src/core/uapi/structs.ts';
import { RAX, RBX, gpr } from '../../../src/emu/regs.ts';
import { emuMachine } from './machine.ts';

interface Snap {
  kind: string;
  reason?: string;
  own: string;
  hwDr0: bigint;
  hwDr7: bigint;
  movDr: boolean;
  c: Record<string, number>;
}

function record(m: ReturnType<typeof emuMachine>): Snap[] {
  const log: Snap[] = [];
  m.vcpu.onTransition = (t: Transition) => {
    const v = t.vcpu.view();
    log.push({
      kind: t.kind, reason: t.reason, own: v.dr.ownership, hwDr0: v.dr.hardware.db[0], hwDr7: v.dr.hardware.dr7,
      movDr: v.dr.hardware.movDrExiting, c: { ...t.vcpu.counters.snapshot() },
    });
  };
  return log;
}

describe('lazy DR switching', () => {
  it('first DR access drops interception for one entry; the next exit saves the DRs and intercepts again', () => {
    // mov rax, 0x1000 (DR0 value); mov dr0, rax; mov rbx, 0x401; mov dr7, rbx; out 0x10, al; mov rcx, dr0; out 0x10, al
    const m = emuMachine([
      0x48, 0xc7, 0xc0, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x23, 0xc0,
      0x48, 0xc7, 0xc3, 0x01, 0x04, 0x00, 0x00, 0x0f, 0x23, 0xfb,
      0xe6, 0x10, 0x0f, 0x21, 0xc1, 0xe6, 0x10,
    ]);
    const log = record(m);
    expect(m.step().kind).toBe('io');
    // entry 1 (intercepting) → exit dr-access → entry 2 (guest-loaded, WONT_EXIT) → exit io.
    expect(log.map((s) => [s.kind, s.reason ?? '', s.own, s.movDr])).toEqual([
      ['entry', '', 'intercepting', true],
      ['exit', 'dr-access', 'intercepting', true], // seen before the handler runs
      ['entry', '', 'guest-loaded', false],
      ['exit', 'io', 'intercepting', true],
    ]);
    expect(log[2].c).toMatchObject({ 'dr.intercept': 1, 'dr.wont_exit': 1, 'dr.load': 1 });
    expect(log[3].c['dr.save']).toBe(1);
    // The guest's MOVs ran natively against hardware; the exit saved them into the guest state.
    expect(m.getDebugregs()).toMatchObject({ db: [0x1000n, 0n, 0n, 0n], dr7: 0x401n });
    const hw = m.vcpu.view().dr.hardware;
    expect(hw.dr7).toBe(0x400n); // VM-exit loads the host's DR7
    // Next run: DR7 enables a breakpoint → BP_ENABLED loads eff_db each entry; the read of DR0 intercepts again.
    log.length = 0;
    expect(m.step().kind).toBe('io');
    expect(log[0]).toMatchObject({ kind: 'entry', own: 'intercepting', hwDr0: 0x1000n, hwDr7: 0x401n });
    expect(log[1]).toMatchObject({ kind: 'exit', reason: 'dr-access' });
    expect(m.counters()).toMatchObject({ 'dr.intercept': 2, 'dr.wont_exit': 2, 'dr.save': 2 });
    expect(m.getRegs().rcx).toBe(0x1000n);
  });

  it('host USE_HW_BP owns the hardware DRs; the guest keeps its virtual values and every access is emulated', () => {
    // mov rax, 0x2000; mov dr0, rax; mov rcx, dr0; out 0x10, al
    const m = emuMachine([0x48, 0xc7, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x0f, 0x23, 0xc0, 0x0f, 0x21, 0xc1, 0xe6, 0x10]);
    m.setGuestDebug(G.ENABLE | G.USE_HW_BP, [0x5000n, 0n, 0n, 0n, 0n, 0n, 0n, 0x402n]);
    const log = record(m);
    expect(m.step().kind).toBe('io');
    expect(log.every((s) => s.own === 'host-debug' && s.movDr)).toBe(true);
    expect(log.filter((s) => s.kind === 'entry').every((s) => s.hwDr0 === 0x5000n && s.hwDr7 === 0x402n)).toBe(true);
    expect(m.counters()).toMatchObject({ 'dr.intercept': 2 });
    expect(m.counters()['dr.wont_exit']).toBeUndefined();
    expect(m.getRegs().rcx).toBe(0x2000n); // the guest reads its own DR0
    expect(m.getDebugregs().db[0]).toBe(0x2000n);
    expect(m.vcpu.view().dr.hardware.db[0]).toBe(0x5000n);
  });
});

describe('XCR0 and APX switching', () => {
  // xor ecx, ecx; xor edx, edx; mov eax, <xcr0>; xsetbv
  const xsetbv = (v: number) => [0x31, 0xc9, 0x31, 0xd2, 0xb8, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, 0, 0x0f, 0x01, 0xd1];
  const OUT = [0xe6, 0x10];
  const MOV_R16_RAX = [0xd5, 0x18, 0x89, 0xc0];
  const MOV_RBX_R16 = [0xd5, 0x48, 0x89, 0xc3];

  it('XSETBV exits and is validated; hardware XCR0 is written only when it differs from the host; R16–R31 swap only with APX', () => {
    const code = [
      ...xsetbv(0x3), ...OUT, // 1: guest = host XCR0 → no hardware write
      ...xsetbv(0x80003), ...OUT, // 2: APX on
      0x48, 0xc7, 0xc0, 0x11, 0x11, 0x00, 0x00, ...MOV_R16_RAX, ...OUT, // 3: r16 = 0x1111
      ...xsetbv(0x3), ...OUT, // 4: APX off (guest R16–R31 kept)
      ...xsetbv(0x80003), ...MOV_RBX_R16, ...OUT, // 5: APX on again: rbx = r16 (still 0x1111)
    ];
    const m = emuMachine(code);
    const host = [...hostEgprPattern()];
    const v = () => m.vcpu.view().xcr;
    // Reset: guest XCR0 = FP, host 0x3: the first entry writes hardware XCR0 (differs) and the exit restores.
    expect(m.step().kind).toBe('io');
    expect(m.counters()).toMatchObject({ xsetbv: 1, 'xcr0.write': 2 });
    expect(m.counters()['apx.swap']).toBeUndefined();
    expect(v()).toMatchObject({ guestXcr0: 3n, hostXcr0: 3n, hardwareXcr0: 3n, hardwareEgprs: host });
    expect(m.step().kind).toBe('io'); // entry with guest 0x3 == host: no write; after XSETBV 0x80003: write + restore
    expect(m.counters()['xcr0.write']).toBe(4);
    expect(v().guestXcr0).toBe(0x80003n);
    // 3: APX on → swap in (zeros the first time), swap out at the exit.
    const before = m.counters()['apx.swap']; // the XSETBV 0x80003 re-entry already swapped in and out
    expect(before).toBe(2);
    const log: { kind: string; hw: bigint; r16: bigint }[] = [];
    m.vcpu.onTransition = (t) => log.push({ kind: t.kind, hw: t.vcpu.view().xcr.hardwareXcr0, r16: t.vcpu.view().xcr.hardwareEgprs[0] });
    expect(m.step().kind).toBe('io');
    expect(log[0]).toEqual({ kind: 'entry', hw: 0x80003n, r16: 0n }); // guest's R16 (zero) in hardware
    expect(log[1]).toEqual({ kind: 'exit', hw: 0x3n, r16: host[0] }); // host's back, XCR0 restored
    expect(v().guestEgprs[0]).toBe(0x1111n);
    expect(m.counters()['apx.swap']).toBe(before + 2);
    // 4: APX off: the XSETBV exit is still under APX (swap out), then no swaps.
    expect(m.step().kind).toBe('io');
    const swaps = m.counters()['apx.swap'];
    expect(v()).toMatchObject({ guestXcr0: 3n, hardwareEgprs: host });
    expect(v().guestEgprs[0]).toBe(0x1111n);
    // 5: 1→0→1 keeps the guest's values.
    expect(m.step().kind).toBe('io');
    expect(m.getRegs().rbx).toBe(0x1111n);
    expect(m.counters()['apx.swap']).toBe(swaps + 2);
    expect(v().hardwareEgprs).toEqual(host); // never lost, never leaked
  });

  it('without APX the guest cannot reach R16–R31 (#UD) and sees none of the host values', () => {
    const m = emuMachine([...MOV_RBX_R16, 0xf4]);
    expect(m.step().kind).toBe('shutdown'); // #UD with no IDT → triple fault
    expect(m.getRegs().rbx).toBe(0n);
    expect(m.counters()['apx.swap']).toBeUndefined();
  });

  it('__kvm_set_xcr rules: #GP for invalid values; APX needs APX_F in the guest CPUID; KVM_SET_XCRS answers EINVAL', () => {
    const m = emuMachine([...xsetbv(0x80001), 0xf4], { cpuid: false }); // empty CPUID: only FP allowed
    expect(m.step().kind).toBe('shutdown'); // #GP, no IDT
    expect(m.getXcr0()).toBe(1n);
    const set = (value: bigint, nr = 1, flags = 0) => {
      const xcrs = Array.from({ length: 16 }, () => ({ xcr: 0, value: 0n }));
      xcrs[0] = { xcr: 0, value };
      try {
        return m.ioctl(KvmIoctl.KVM_SET_XCRS, kvmXcrs.encode({ nr_xcrs: nr, flags, xcrs }));
      } catch (e) {
        return -(e as { errno: number }).errno;
      }
    };
    expect(set(3n)).toBe(-22); // SSE not in the guest's CPUID
    expect(set(1n)).toBe(0);
    expect(set(1n, 17)).toBe(-22);
    expect(set(1n, 1, 1)).toBe(-22);
    const ok = emuMachine([0xf4]);
    const s = (v: bigint) => ok.vcpu.xcr.setXcr(0, v);
    expect([s(0x2n), s(0x5n), s(0x80003n), s(0x3n), s(0x80009n)]).toEqual([false, false, true, true, false]);
  });
});

describe('register cache', () => {
  it('fills lazily after an exit and flushes dirty registers before entry', () => {
    const m = emuMachine([0xe6, 0x10, 0xf4]);
    m.step();
    const rc = m.vcpu.regs;
    expect(rc.bitmaps().available).toBe(1 << 16); // only RIP, read by the IO exit (pio linear_rip)
    const fills = m.counters()['regs.fill'] ?? 0;
    rc.gpr(RAX);
    rc.gpr(RAX);
    expect(m.counters()['regs.fill']).toBe(fills + 1);
    rc.setGpr(RBX, 7n);
    rc.setRip(rc.rip());
    expect(rc.bitmaps().dirty).toBe((1 << 3) | (1 << 16));
    const flush = m.counters()['regs.flush'] ?? 0;
    m.step();
    expect(m.counters()['regs.flush']).toBe(flush + 2);
    expect(m.getRegs().rbx).toBe(7n);
    // A GPR accessor cannot be handed RIP: RIP has no Gpr index.
    const misuse = () => {
      // @ts-expect-error — 'rip' is not a Gpr
      rc.gpr('rip');
      // @ts-expect-error — a plain number is not a Gpr either
      rc.setGpr(16, 0n);
    };
    expect(typeof misuse).toBe('function');
    expect(rc.gpr(gpr(16))).toBe(0n); // R16 comes from the guest's saved EGPRs
  });
});
