/**
 * Issue 10, items 9–16: what a new user and a fuzzer hit in the debugger.
 * Each test failed before its fix.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/commands/batch.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { GuestFault, VmExitSignal } from '../../../src/emu/fault.ts';
import { TripleFault } from '../../../src/emu/interrupts.ts';
import { kvmSkipReason } from '../../core/kvm/available.ts';

const kvmSkip = kvmSkipReason('issue 10 regressions on /dev/kvm');
const backends = kvmSkip === undefined ? (['emu', 'kvm'] as const) : (['emu'] as const);

function rawFile(name: string, bytes: number[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vdbg-i10-')), name);
  writeFileSync(file, Uint8Array.from(bytes));
  return file;
}

async function batch(lines: string[], backend: 'emu' | 'kvm' = 'emu'): Promise<string> {
  const session = await Session.open({ backend });
  let out = '';
  try {
    await runBatch({ session, sources: [{ name: 't.vdbg', lines }], keepGoing: true, write: (t) => (out += t) });
  } finally {
    await session.close();
  }
  return out;
}

/** mov rax, 0x20000000; jmp rax — to a guest-physical address no memory backs. */
const JUMP_TO_NO_RAM = [0x48, 0xc7, 0xc0, 0x00, 0x00, 0x00, 0x20, 0xff, 0xe0];

describe('9: a jump to an address with no RAM', () => {
  for (const backend of backends) {
    it(`stops with KVM_EXIT_INTERNAL_ERROR suberror 1 on ${backend}, and again on the next continue`, async () => {
      const file = rawFile('j.bin', JUMP_TO_NO_RAM);
      const out = await batch([`load raw ${file} at 0x10000`, 'continue', 'continue'], backend);
      expect(out).not.toContain('[object Object]');
      const lines = out.split('\n').filter((l) => l.startsWith('Stopped on error'));
      expect(lines).toHaveLength(2);
      for (const l of lines) {
        expect(l).toContain('KVM_EXIT_INTERNAL_ERROR suberror 1 (instruction emulation failed)');
        expect(l).toContain('RIP 0x20000000 is physical 0x20000000, outside guest RAM');
      }
    });
  }

  it("the emulator's control-flow throws are Errors (never [object Object] if one escapes)", () => {
    for (const e of [new GuestFault(13, 0), new VmExitSignal(), new TripleFault()]) {
      expect(e).toBeInstanceOf(Error);
      expect(String(e)).not.toContain('[object');
    }
    expect(new GuestFault(14, 2).name).toBe('#PF');
  });
});
