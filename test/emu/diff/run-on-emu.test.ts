/**
 * runOnEmu (test/support/run-on-emu.ts): runOnKvm's options and result shape on
 * the emulated CPU. The programs are those of test/core/kvm/run-code.test.ts
 * (CPL 0, builder layout, code at 0x10000); each is checked against its
 * expected values and, where /dev/kvm works, against runOnKvm's result.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_CODE_ADDR, BOOT_STACK_TOP, buildLongMode, MSR_LSTAR, MSR_STAR } from '../../../src/core/boot/longmode.ts';
import { cpuidMap } from '../../../src/core/emu/cpu-state.ts';
import { runOnEmu } from '../../support/run-on-emu.ts';
import { KvmSystem } from '../../../src/core/kvm/device.ts';
import { runOnKvm } from '../../support/run-on-kvm.ts';
import { cpuidKey } from '../../../src/emu/cpuid.ts';

const MEM = 4 << 20;
const CODE = BOOT_CODE_ADDR;
const kvmOk = KvmSystem.available().ok;
if (!kvmOk) console.warn('[skip] runOnEmu vs runOnKvm comparisons: /dev/kvm unavailable (the emulator-only checks still run)');

function machine(code: number[]) {
  const { memory, state } = buildLongMode({ memSize: MEM });
  memory.set(code, CODE);
  return { memory, state };
}

/** Same exit, registers and the listed sregs on both backends. */
function sameAsKvm(opts: Parameters<typeof runOnKvm>[0], ignore: string[] = []): void {
  if (!kvmOk) return;
  const e = runOnEmu(opts);
  const k = runOnKvm(opts);
  expect(e.exit.kind).toBe(k.exit.kind);
  const strip = (r: Record<string, bigint>) => Object.fromEntries(Object.entries(r).filter(([n]) => !ignore.includes(n)));
  expect(strip(e.regs)).toEqual(strip(k.regs));
  expect(e.exits).toBe(k.exits);
  expect(e.io).toEqual(k.io);
  for (const f of ['cr0', 'cr2', 'cr3', 'cr4', 'efer'] as const) expect(e.sregs[f], f).toBe(k.sregs[f]);
  expect(e.sregs.cs.selector).toBe(k.sregs.cs.selector);
}

describe('runOnEmu', () => {
  it('runs mov/add/hlt and stops like KVM_EXIT_HLT, RIP after the HLT', () => {
    const { memory, state } = machine([
      0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00, // 10000: mov rax, 0x2a
      0x48, 0x01, 0xd8, //                         10007: add rax, rbx
      0xf4, //                                     1000a: hlt
    ]);
    state.regs.rbx = 0x1000_0000_0000n;
    const r = runOnEmu({ memSize: MEM, memory, state });
    expect(r.exitReason).toEqual({ code: 5, name: 'KVM_EXIT_HLT' });
    expect(r.hitMaxExits).toBe(false);
    expect(r.exits).toBe(1);
    expect(r.instructions).toBe(3);
    expect(r.regs.rax).toBe(0x1000_0000_002an);
    expect(r.regs.rip).toBe(BigInt(CODE + 0xb));
    expect(r.regs.rflags & 0x8d5n).toBe(0n);
    expect(r.sregs.cs.selector).toBe(0x08);
    expect(r.sregs.efer).toBe(0xd01n);
    sameAsKvm({ memSize: MEM, memory, state });
  });

  it('returns a copy of guest memory after stores', () => {
    const { memory, state } = machine([
      0xbf, 0x00, 0x00, 0x20, 0x00, //                               10000: mov edi, 0x200000
      0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // 10005: movabs rax, 0x1122334455667788
      0x48, 0x89, 0x07, //                                           1000f: mov [rdi], rax
      0x50, //                                                       10012: push rax
      0xf4, //                                                       10013: hlt
    ]);
    const r = runOnEmu({ memSize: MEM, memory, state });
    const dv = new DataView(r.memory.buffer);
    expect(dv.getBigUint64(0x200000, true)).toBe(0x1122334455667788n);
    expect(dv.getBigUint64(BOOT_STACK_TOP - 8, true)).toBe(0x1122334455667788n);
    expect(r.memory.length).toBe(MEM);
    expect(r.memory.subarray(0x3000, 0x7000)).toEqual(memory.subarray(0x3000, 0x7000));
    if (kvmOk) expect(Buffer.from(r.memory).equals(Buffer.from(runOnKvm({ memSize: MEM, memory, state }).memory))).toBe(true);
  });

  it('sees OUT and IN, answering IN from onIo or with 0xff; one exit per access', () => {
    const { memory, state } = machine([
      0x66, 0xba, 0xf8, 0x03, // 10000: mov dx, 0x3f8
      0xb0, 0x48, //             10004: mov al, 0x48
      0xee, //                   10006: out dx, al
      0xec, //                   10007: in al, dx
      0x88, 0xc3, //             10008: mov bl, al
      0xe5, 0x60, //             1000a: in eax, 0x60
      0xf4, //                   1000c: hlt
    ]);
    const onIo = (port: number) => (port === 0x3f8 ? 0x5a : new Uint8Array([1, 2, 3, 4]));
    const r = runOnEmu({ memSize: MEM, memory, state, onIo });
    expect(r.io).toEqual([
      { port: 0x3f8, size: 1, direction: 'out', data: new Uint8Array([0x48]) },
      { port: 0x3f8, size: 1, direction: 'in', data: new Uint8Array([0x5a]) },
      { port: 0x60, size: 4, direction: 'in', data: new Uint8Array([1, 2, 3, 4]) },
    ]);
    expect(r.regs.rbx & 0xffn).toBe(0x5an);
    expect(r.regs.rax).toBe(0x04030201n);
    expect(r.exits).toBe(4);
    sameAsKvm({ memSize: MEM, memory, state, onIo });
    expect(runOnEmu({ memSize: MEM, memory, state }).regs.rbx & 0xffn).toBe(0xffn);
  });

  it('stops at maxExits and at maxInstructions, and says which', () => {
    const { memory, state } = machine([
      0xe6, 0x80, // 10000: out 0x80, al
      0xeb, 0xfc, // 10002: jmp 0x10000
    ]);
    const r = runOnEmu({ memSize: MEM, memory, state, maxExits: 3 });
    expect(r.hitMaxExits).toBe(true);
    expect(r.exits).toBe(3);
    expect(r.exit.kind).toBe('io');
    const { memory: m2, state: s2 } = machine([0xeb, 0xfe]); // 10000: jmp 0x10000
    const r2 = runOnEmu({ memSize: MEM, memory: m2, state: s2, maxInstructions: 1000 });
    expect(r2.hitMaxInstructions).toBe(true);
    expect(r2.hitMaxExits).toBe(false);
    expect(r2.instructions).toBe(1000);
  });

  it('ends with a shutdown exit on a triple fault (empty IDT)', () => {
    const { memory, state } = machine([0x0f, 0x0b]); // 10000: ud2
    const r = runOnEmu({ memSize: MEM, memory, state });
    expect(r.exitReason).toEqual({ code: 8, name: 'KVM_EXIT_SHUTDOWN' });
    // After a shutdown RFLAGS is not architectural (KVM reports RF from the last fault it injected).
    sameAsKvm({ memSize: MEM, memory, state }, ['rflags']);
  });

  it('writes MSRs before the first instruction and reads them back through RDMSR', () => {
    const { memory, state } = machine([
      0xb9, 0x82, 0x00, 0x00, 0xc0, // 10000: mov ecx, 0xc0000082
      0x0f, 0x32, //                   10005: rdmsr
      0xf4, //                         10007: hlt
    ]);
    const msrs = [{ index: MSR_LSTAR, data: 0xffff_8000_1234_5678n }, { index: MSR_STAR, data: 0x0010_0008_0000_0000n }];
    const r = runOnEmu({ memSize: MEM, memory, state, msrs });
    expect(r.regs.rax).toBe(0x1234_5678n);
    expect(r.regs.rdx).toBe(0xffff_8000n);
    expect(r.cpu.star).toBe(0x0010_0008_0000_0000n);
    expect(() => runOnEmu({ memSize: MEM, memory, state, msrs: [{ index: 0x1234, data: 0n }] })).toThrow(/not implemented/);
  });

  it('takes explicit CPUID entries (KVM shape) instead of its own leaves', () => {
    const entries = [
      { function: 0, index: 0, flags: 0, eax: 7, ebx: 0x756e6547, ecx: 0x6c65746e, edx: 0x49656e69 },
      { function: 7, index: 1, flags: 1, eax: 0, ebx: 0, ecx: 0, edx: 5 },
    ];
    const m = cpuidMap(entries);
    expect(m.get(cpuidKey(0))).toEqual([7, 0x756e6547, 0x6c65746e, 0x49656e69]);
    expect(m.get(cpuidKey(7, 1))).toEqual([0, 0, 0, 5]);
    const { memory, state } = machine([
      0x31, 0xc0, // 10000: xor eax, eax
      0x0f, 0xa2, // 10002: cpuid
      0xf4, //       10004: hlt
    ]);
    const r = runOnEmu({ memSize: MEM, memory, state, cpuid: entries });
    expect(r.regs.rax).toBe(7n);
    expect(r.regs.rbx).toBe(0x756e6547n);
  });
});
