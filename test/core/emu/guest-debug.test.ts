/**
 * KVM_SET_GUEST_DEBUG on the emulated hypervisor: the debug_regs.c selftest
 * sequence (uapi.md §2.3, without the x2APIC self-IPI) with the exit values
 * of §2.2, the flags' side rules (§1.2), KVM_GET/SET_DEBUGREGS (§1.4) and
 * the CR3 extension field (docs/uapi-extensions.md).
 */
import { describe, expect, it } from 'vitest';
import { Errno, KvmError } from '../../../src/core/uapi/errors.ts';
import { KvmCap, KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { kvmRun, kvmRunDebugCr3 } from '../../../src/core/uapi/kvm-run.ts';
import { KvmGuestDbg as G, kvmDebugregs, kvmEnableCap } from '../../../src/core/uapi/structs.ts';
import { CODE, emuMachine } from './machine.ts';

const SW_BP = CODE, HW_BP = CODE + 1, WRITE_DATA = CODE + 16, SS_START = CODE + 16, BD_START = CODE + 29;
const GUEST_VALUE = CODE + 0x100;
// sw_bp: int3; hw_bp: nop; mov rax, 1234; mov [rip+0xf0], rax (guest_value);
// write_data/ss_start: sti; xor eax, eax; cpuid; mov ecx, 0x6e0; wrmsr; cli;
// bd_start: mov rax, dr0; out 0x10, al (GUEST_DONE)
const GUEST = [
  0xcc, 0x90,
  0x48, 0xc7, 0xc0, 0xd2, 0x04, 0x00, 0x00, 0x48, 0x89, 0x05, 0xf0, 0x00, 0x00, 0x00,
  0xfb, 0x31, 0xc0, 0x0f, 0xa2, 0xb9, 0xe0, 0x06, 0x00, 0x00, 0x0f, 0x30, 0xfa,
  0x0f, 0x21, 0xc0, 0xe6, 0x10,
];
const dbg = (i: number, v: bigint): bigint[] => Object.assign([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], { [i]: v });

function skip(m: ReturnType<typeof emuMachine>, n: number): void {
  const r = m.getRegs();
  m.setRegs({ ...r, rip: r.rip + BigInt(n) });
}

describe('debug_regs.c on emu', () => {
  it('walks INT3, instruction and data breakpoints on DR0–3, single-step, DR7.GD, then runs to GUEST_DONE', () => {
    const m = emuMachine(GUEST);
    // 1. INT3 with USE_SW_BP: exception 3, pc at the INT3; dr6/dr7 not written.
    m.run.setBigUint64(48, 0x1111n, true);
    m.setGuestDebug(G.ENABLE | G.USE_SW_BP);
    let e = m.step();
    expect(e).toMatchObject({ kind: 'debug', exception: 3, pc: BigInt(SW_BP), dr6: 0x1111n });
    skip(m, 1);
    // 2. Instruction breakpoint on each DRi, G bit; no RF on re-entry: hits again.
    for (let i = 0; i < 4; i++) {
      m.setGuestDebug(G.ENABLE | G.USE_HW_BP, dbg(i, BigInt(HW_BP)).map((v, k) => (k === 7 ? 0x400n | (1n << BigInt(2 * i + 1)) : v)));
      e = m.step();
      expect(e).toMatchObject({ kind: 'debug', exception: 1, pc: BigInt(HW_BP), dr6: 0xffff0ff0n | (1n << BigInt(i)) });
    }
    skip(m, 1);
    // 3. Data write breakpoint (RW=01, LEN=11): trap after the store.
    for (let i = 0; i < 4; i++) {
      const dr7 = 0x400n | (1n << BigInt(2 * i + 1)) | (0xd0000n << BigInt(4 * i));
      m.setGuestDebug(G.ENABLE | G.USE_HW_BP, dbg(i, BigInt(GUEST_VALUE)).map((v, k) => (k === 7 ? dr7 : v)));
      e = m.step();
      expect(e).toMatchObject({ kind: 'debug', exception: 1, pc: BigInt(WRITE_DATA), dr6: 0xffff0ff0n | (1n << BigInt(i)) });
      skip(m, -7);
    }
    skip(m, 7);
    // 4. Single step, including the hypervisor-emulated CPUID and WRMSR.
    const ssSize = [1, 2, 2, 5, 2, 1];
    let target = SS_START;
    for (let i = 0; i < 6; i++) {
      target += ssSize[i];
      m.setGuestDebug(G.ENABLE | G.SINGLESTEP | G.BLOCKIRQ, dbg(7, 0x400n));
      e = m.step();
      expect(e).toMatchObject({ kind: 'debug', exception: 1, pc: BigInt(target), dr6: 0xffff4ff0n });
      expect(m.getRegs().rflags & 0x100n).toBe(0n); // TF hidden from userspace
    }
    // 5. DR7.GD with host USE_HW_BP: the MOV DR reports BD, not executed.
    m.setGuestDebug(G.ENABLE | G.USE_HW_BP, dbg(7, 0x2400n));
    e = m.step();
    expect(e).toMatchObject({ kind: 'debug', exception: 1, pc: BigInt(BD_START), dr6: 0xffff2ff0n, dr7: 0x2400n });
    // 6. Debugging off: the MOV DR runs through the lazy path, then GUEST_DONE.
    m.setGuestDebug(0);
    e = m.step();
    expect(e).toMatchObject({ kind: 'io', port: 0x10 });
    const c = m.counters();
    expect(c['exit.debug']).toBe(1 + 4 + 4 + 6 + 1);
    expect(c['dr.wont_exit']).toBe(1);
  });
});

describe('KVM_SET_GUEST_DEBUG flags', () => {
  it('INJECT_BP after an INT3 exit re-injects it as a soft exception (return RIP after the INT3); EBUSY while pending', () => {
    const m = emuMachine([0xcc, 0xf4]);
    m.setGuestDebug(G.ENABLE | G.USE_SW_BP);
    expect(m.step()).toMatchObject({ kind: 'debug', exception: 3 });
    m.setGuestDebug(G.INJECT_BP);
    expect(() => m.setGuestDebug(G.INJECT_DB)).toThrow(expect.objectContaining({ errno: Errno.EBUSY }));
    expect(m.vcpu.view().exception).toMatchObject({ vector: 3 });
    // No IDT: delivering #BP faults → #DF → shutdown; the soft injection moved RIP past the INT3 first.
    expect(m.step().kind).toBe('shutdown');
  });

  it('ENABLE clear forces guest_debug to 0; #BP is intercepted only with ENABLE|USE_SW_BP', () => {
    const m = emuMachine([0xf4]);
    m.setGuestDebug(G.USE_SW_BP | G.SINGLESTEP);
    expect(m.vcpu.dr.guestDebug).toBe(0);
    expect(m.vcpu.cpu.ctl.exceptionBitmap).toBe(1 << 1);
    m.setGuestDebug(G.ENABLE | G.USE_SW_BP);
    expect(m.vcpu.cpu.ctl.exceptionBitmap).toBe((1 << 1) | (1 << 3));
  });

  it('the CR3 field at run+64 is written on debug exits only when the VM enabled the extension', () => {
    const m = emuMachine([0xcc, 0xcc, 0xf4]);
    expect(m.b.ioctl(m.vmFd, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.X86_GUEST_DEBUG_CR3)).toBe(1);
    m.run.setBigUint64(64, 0xdeadn, true);
    m.setGuestDebug(G.ENABLE | G.USE_SW_BP);
    m.step();
    expect(kvmRunDebugCr3.get(m.run, 'cr3', 32)).toBe(0xdeadn);
    m.b.ioctl(m.vmFd, KvmIoctl.KVM_ENABLE_CAP, kvmEnableCap.encode({ cap: KvmCap.X86_GUEST_DEBUG_CR3, flags: 0, args: [0n, 0n, 0n, 0n] }));
    skip(m, 1);
    m.step();
    expect(kvmRunDebugCr3.get(m.run, 'cr3', 32)).toBe(m.getSregs().cr3);
    expect(m.counters()['debug.cr3_field']).toBe(1);
    expect(kvmRun.get(m.run, 'exit_reason')).toBe(4);
  });
});

describe('KVM_GET/SET_DEBUGREGS', () => {
  it('returns the guest values (not USE_HW_BP ones); SET takes DR6/DR7 raw and rejects flags and high bits', () => {
    const m = emuMachine([0xf4]);
    expect(m.getDebugregs()).toMatchObject({ db: [0n, 0n, 0n, 0n], dr6: 0xffff0ff0n, dr7: 0x400n, flags: 0n });
    m.ioctl(KvmIoctl.KVM_SET_DEBUGREGS, kvmDebugregs.encode({ db: [1n, 2n, 3n, 4n], dr6: 0n, dr7: 0n, flags: 0n }));
    m.setGuestDebug(G.ENABLE | G.USE_HW_BP, [9n, 9n, 9n, 9n, 0n, 0n, 0n, 0x401n]);
    expect(m.getDebugregs()).toMatchObject({ db: [1n, 2n, 3n, 4n], dr6: 0n, dr7: 0n });
    const bad = (d: Parameters<typeof kvmDebugregs.encode>[0]) => {
      try {
        m.ioctl(KvmIoctl.KVM_SET_DEBUGREGS, kvmDebugregs.encode(d));
      } catch (e) {
        return (e as KvmError).errno;
      }
      return 0;
    };
    expect(bad({ db: [0n, 0n, 0n, 0n], dr6: 0n, dr7: 0n, flags: 1n })).toBe(Errno.EINVAL);
    expect(bad({ db: [0n, 0n, 0n, 0n], dr6: 1n << 32n, dr7: 0n, flags: 0n })).toBe(Errno.EINVAL);
    expect(bad({ db: [0n, 0n, 0n, 0n], dr6: 0n, dr7: 1n << 32n, flags: 0n })).toBe(Errno.EINVAL);
  });
});
