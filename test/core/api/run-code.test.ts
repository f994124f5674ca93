/**
 * The shared runner (test/support/run-code.ts) over the uAPI classes on both
 * backends: the same guest bytes and state, the same exits and registers.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_CODE_ADDR, buildLongMode } from '../../../src/core/boot/longmode.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { runCode } from '../../support/run-code.ts';
import { kvmSkipReason } from '../kvm/available.ts';

const MEM = 4 << 20;
const noKvm = kvmSkipReason('runCode on the kvm backend');
const backends: [string, () => Backend, string | undefined][] = [
  ['emu', () => new EmuBackend(), undefined],
  ['kvm', () => new KvmBackend(), noKvm],
];

describe.each(backends)('runCode on %s', (_name, make, skip) => {
  it.skipIf(skip)('runs mov/add/out/in/hlt with the same exits, I/O and registers', () => {
    const { memory, state } = buildLongMode({ memSize: MEM });
    memory.set([
      0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00, // mov rax, 0x2a
      0x48, 0x01, 0xd8, //                         add rax, rbx
      0xe6, 0x80, //                               out 0x80, al
      0xe4, 0x60, //                               in al, 0x60
      0xf4, //                                     hlt
    ], BOOT_CODE_ADDR);
    state.regs.rbx = 0x1000_0000_0000n;
    const r = runCode(make(), { memSize: MEM, memory, state, onIo: () => 0x5a });
    expect(r.exitReason).toEqual({ code: 5, name: 'KVM_EXIT_HLT' });
    expect(r.exits).toBe(3);
    expect(r.io).toEqual([
      { port: 0x80, size: 1, direction: 'out', data: new Uint8Array([0x2a]) },
      { port: 0x60, size: 1, direction: 'in', data: new Uint8Array([0x5a]) },
    ]);
    expect(r.regs.rax).toBe(0x1000_0000_005an);
    expect(r.regs.rip).toBe(BigInt(BOOT_CODE_ADDR + 15));
    expect(r.sregs.cr3).toBe(0x3000n);
  });
});
