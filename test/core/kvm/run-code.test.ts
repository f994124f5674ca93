/**
 * Real guest bytes on /dev/kvm. Each program is written as bytes with the
 * disassembly next to it, as printed by
 *   objdump -D -b binary -mi386:x86-64 -M intel --adjust-vma=0x10000
 * of the assembled source.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_CODE_ADDR, BOOT_STACK_TOP, buildLongMode } from '../../../src/core/boot/longmode.ts';
import { kvmHost } from '../../../src/core/kvm/host.ts';
import { cpuidLeaf, hostCpuid, runOnKvm } from '../../support/run-on-kvm.ts';
import { kvmSkipReason } from './available.ts';

// Under kvm_pvm, guest ring 0 runs deprivileged: SYSCALL from CPL3 reaches
// LSTAR without loading the kernel CS, so the CPL3 round trip cannot pass.
const host = kvmHost();
const noCpl3 = host.hardware ? undefined : `/dev/kvm is backed by ${host.modules.join(', ') || 'an unknown module'}, not VMX/SVM`;
if (noCpl3) console.warn(`[skip] runOnKvm CPL3 round trip: ${noCpl3}`);

const MEM = 4 << 20;
const CODE = BOOT_CODE_ADDR;

function machine(code: number[], opts: { user?: boolean } = {}) {
  const { memory, state } = buildLongMode({ memSize: MEM, ...opts });
  memory.set(code, CODE);
  return { memory, state };
}

describe.skipIf(kvmSkipReason('runOnKvm'))('runOnKvm on /dev/kvm', () => {
  it('runs mov/add/hlt and stops on KVM_EXIT_HLT with the result in rax', () => {
    const { memory, state } = machine([
      0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00, // 10000: mov rax, 0x2a
      0x48, 0x01, 0xd8, //                         10007: add rax, rbx
      0xf4, //                                     1000a: hlt
    ]);
    state.regs.rbx = 0x1000_0000_0000n;
    const r = runOnKvm({ memSize: MEM, memory, state });
    expect(r.exitReason).toEqual({ code: 5, name: 'KVM_EXIT_HLT' });
    expect(r.hitMaxExits).toBe(false);
    expect(r.exits).toBe(1);
    expect(r.regs.rax).toBe(0x1000_0000_002an);
    expect(r.regs.rbx).toBe(0x1000_0000_0000n);
    expect(r.regs.rip).toBe(BigInt(CODE + 0xb)); // after the HLT
    expect(r.regs.rflags & 0x8d5n).toBe(0n); // add: CF/PF/AF/ZF/SF/OF clear (0x2a has odd parity)
    expect(r.sregs.cs.selector).toBe(0x08);
    expect(r.sregs.cr3).toBe(0x3000n);
    expect(r.sregs.efer).toBe(0xd01n);
  });

  it('returns guest memory after stores through the identity map and the stack', () => {
    const { memory, state } = machine([
      0xbf, 0x00, 0x00, 0x20, 0x00, //                               10000: mov edi, 0x200000
      0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // 10005: movabs rax, 0x1122334455667788
      0x48, 0x89, 0x07, //                                           1000f: mov [rdi], rax
      0xc7, 0x47, 0x08, 0xef, 0xbe, 0xad, 0xde, //                   10012: mov dword [rdi+8], 0xdeadbeef
      0x50, //                                                       10019: push rax
      0xf4, //                                                       1001a: hlt
    ]);
    const r = runOnKvm({ memSize: MEM, memory, state });
    expect(r.exitReason.name).toBe('KVM_EXIT_HLT');
    const dv = new DataView(r.memory.buffer);
    expect(dv.getBigUint64(0x200000, true)).toBe(0x1122334455667788n);
    expect(dv.getUint32(0x200008, true)).toBe(0xdeadbeef);
    expect(r.regs.rsp).toBe(BigInt(BOOT_STACK_TOP - 8));
    expect(dv.getBigUint64(BOOT_STACK_TOP - 8, true)).toBe(0x1122334455667788n);
    expect(r.memory.length).toBe(MEM);
    // The page tables have A/D preset, so the run did not change them.
    expect(r.memory.subarray(0x3000, 0x7000)).toEqual(memory.subarray(0x3000, 0x7000));
  });

  it('sees OUT and IN on port I/O, answering IN from onIo or with 0xff', () => {
    const { memory, state } = machine([
      0x66, 0xba, 0xf8, 0x03, // 10000: mov dx, 0x3f8
      0xb0, 0x48, //             10004: mov al, 0x48
      0xee, //                   10006: out dx, al
      0xb0, 0x69, //             10007: mov al, 0x69
      0xee, //                   10009: out dx, al
      0xec, //                   1000a: in al, dx
      0x88, 0xc3, //             1000b: mov bl, al
      0xe5, 0x60, //             1000d: in eax, 0x60
      0xf4, //                   1000f: hlt
    ]);
    const r = runOnKvm({ memSize: MEM, memory, state, onIo: (port) => (port === 0x3f8 ? 0x5a : new Uint8Array([0xff, 0xff, 0xff, 0xff])) });
    expect(r.exitReason.name).toBe('KVM_EXIT_HLT');
    expect(r.io).toEqual([
      { port: 0x3f8, size: 1, direction: 'out', data: new Uint8Array([0x48]) },
      { port: 0x3f8, size: 1, direction: 'out', data: new Uint8Array([0x69]) },
      { port: 0x3f8, size: 1, direction: 'in', data: new Uint8Array([0x5a]) },
      { port: 0x60, size: 4, direction: 'in', data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
    ]);
    expect(r.regs.rbx & 0xffn).toBe(0x5an);
    expect(r.regs.rax).toBe(0xffffffffn);
    expect(r.exits).toBe(5);

    const dflt = runOnKvm({ memSize: MEM, memory, state });
    expect(dflt.regs.rbx & 0xffn).toBe(0xffn);
  });

  it('stops at maxExits and says so', () => {
    const { memory, state } = machine([
      0xe6, 0x80, // 10000: out 0x80, al
      0xeb, 0xfc, // 10002: jmp 0x10000
    ]);
    const r = runOnKvm({ memSize: MEM, memory, state, maxExits: 3 });
    expect(r.hitMaxExits).toBe(true);
    expect(r.exits).toBe(3);
    expect(r.exitReason.name).toBe('KVM_EXIT_IO');
    expect(r.io.map((a) => a.port)).toEqual([0x80, 0x80, 0x80]);
  });

  it('ends with KVM_EXIT_SHUTDOWN on a triple fault (empty IDT)', () => {
    const { memory, state } = machine([
      0x0f, 0x0b, // 10000: ud2
    ]);
    const r = runOnKvm({ memSize: MEM, memory, state });
    expect(r.exitReason).toEqual({ code: 8, name: 'KVM_EXIT_SHUTDOWN' });
  });

  it.skipIf(noCpl3)('goes to CPL3 with IRETQ and back with SYSCALL / SYSRET', () => {
    const { memory, state } = machine(
      [
        0xb9, 0x81, 0x00, 0x00, 0xc0, // 10000: mov ecx, 0xc0000081   (IA32_STAR)
        0x31, 0xc0, //                   10005: xor eax, eax
        0xba, 0x08, 0x00, 0x10, 0x00, // 10007: mov edx, 0x100008     (SYSRET base 0x10, SYSCALL CS 0x08)
        0x0f, 0x30, //                   1000c: wrmsr
        0xb9, 0x82, 0x00, 0x00, 0xc0, // 1000e: mov ecx, 0xc0000082   (IA32_LSTAR)
        0xb8, 0x00, 0x01, 0x01, 0x00, // 10013: mov eax, 0x10100
        0x31, 0xd2, //                   10018: xor edx, edx
        0x0f, 0x30, //                   1001a: wrmsr
        0x6a, 0x1b, //                   1001c: push 0x1b              (SS)
        0x68, 0x00, 0x00, 0x03, 0x00, // 1001e: push 0x30000           (RSP)
        0x6a, 0x02, //                   10023: push 0x2               (RFLAGS)
        0x6a, 0x23, //                   10025: push 0x23              (CS)
        0x68, 0x00, 0x02, 0x01, 0x00, // 10027: push 0x10200           (RIP)
        0x48, 0xcf, //                   1002c: iretq
      ],
      { user: true },
    );
    memory.set([
      0x49, 0xff, 0xc7, //       10100: inc r15
      0x49, 0x83, 0xff, 0x02, // 10103: cmp r15, 0x2
      0x74, 0x03, //             10107: je 0x1010c
      0x48, 0x0f, 0x07, //       10109: sysretq
      0xf4, //                   1010c: hlt
    ], CODE + 0x100);
    memory.set([
      0x41, 0x8c, 0xcd, //       10200: mov r13d, cs
      0x48, 0x89, 0xe3, //       10203: mov rbx, rsp
      0x0f, 0x05, //             10206: syscall
      0x41, 0x8c, 0xce, //       10208: mov r14d, cs
      0x0f, 0x05, //             1020b: syscall
    ], CODE + 0x200);
    const r = runOnKvm({ memSize: MEM, memory, state });
    expect(r.exitReason.name).toBe('KVM_EXIT_HLT');
    expect(r.regs.r15).toBe(2n); // two SYSCALLs reached the handler
    expect(r.regs.r13).toBe(0x23n); // CS at CPL3 after IRETQ
    expect(r.regs.r14).toBe(0x23n); // CS at CPL3 after SYSRETQ
    expect(r.regs.rbx).toBe(0x30000n); // user RSP from the IRETQ frame
    expect(r.regs.rcx).toBe(BigInt(CODE + 0x20d)); // SYSCALL saved the user RIP
    expect(r.regs.r11 & 0x2n).toBe(0x2n); // and RFLAGS
    expect(r.regs.rip).toBe(BigInt(CODE + 0x10d));
    expect(r.sregs.cs.selector).toBe(0x08);
    expect(r.sregs.ss.selector).toBe(0x10);
    expect(r.sregs.cs.dpl).toBe(0);
  });

  it('exposes the host CPUID table (KVM_GET_SUPPORTED_CPUID)', () => {
    const cpuid = hostCpuid();
    const leaf1 = cpuidLeaf(cpuid, 1);
    expect(leaf1).toBeDefined();
    // Long mode is what every test here needs: CPUID.80000001h:EDX.LM[29].
    expect((cpuidLeaf(cpuid, 0x80000001)!.edx >>> 29) & 1).toBe(1);
  });
});
