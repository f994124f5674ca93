/** The tiny flat binary, loaded as `load raw tiny.bin at 0x10000` would: runs to its HLT on emu. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../src/core/emu/backend.ts';
import { runGuest } from '../../src/core/vmm/run-guest.ts';
import { TINY_BIN } from './vmos.ts';

describe('tiny (raw)', () => {
  it('prints, sums 1..10 and halts (KVM_EXIT_HLT, no irqchip)', async () => {
    const bytes = new Uint8Array(readFileSync(TINY_BIN));
    const r = await runGuest(new EmuBackend(), { kind: 'raw', bytes, gpa: 0x10000, name: 'tiny.bin' });
    expect(r.transcript).toBe('tiny: hello\ntiny: sum 1..10 = 55\n');
    expect(r.stop).toBe('hlt');
    expect(r.regs.rax).toBe(55n);
    expect(r.vmm['ioctl.KVM_CREATE_IRQCHIP']).toBeUndefined();
    // RIP is after the HLT, as KVM reports it.
    expect(bytes[Number(r.regs.rip) - 0x10000 - 1]).toBe(0xf4);
  });
});
