/**
 * A gcc -O2 program built without -mgeneral-regs-only (test/guest/sse-program/
 * prog.c: strings, struct copies, doubles and floats, a qsort of doubles,
 * printf-like formatting of doubles, CRC32 and PCMPISTRI through the SSE4.2
 * intrinsics; -msse4.2) runs at CPL 3 on the emulator and must print the same
 * bytes as on the real CPU: the same image through /dev/kvm (CPL 3 runs
 * natively under kvm_pvm), and the same C code as a host process.
 * Needs gcc/objcopy on an x86-64 host (skipped with the reason otherwise);
 * the KVM comparison also needs /dev/kvm.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BOOT_DEFAULT_MEM_SIZE, buildLongMode } from '../../src/core/boot/longmode.ts';
import { kvmSkipReason } from '../core/kvm/available.ts';
import { runOnEmu } from '../support/run-on-emu.ts';
import { runOnKvm } from '../support/run-on-kvm.ts';

const SRC = fileURLToPath(new URL('./sse-program/', import.meta.url));
/** The benchmark guest's entry and layout (bench/guest/start.S, link.ld): main() at CPL 3, its result at 0xF0000. */
const ENTRY = fileURLToPath(new URL('../../bench/guest/', import.meta.url));
const LOAD = 0x100000, ENTRY_USER = 0x100040, OUT_LEN = 0xf0000, OUT_BUF = 0xe0000;
const CFLAGS = [
  '-O2', '-msse4.2', '-fno-math-errno', '-ffreestanding', '-fno-pic', '-fno-pie', '-nostdlib', '-static',
  '-fno-stack-protector', '-fcf-protection=none', '-fno-asynchronous-unwind-tables', '-Wall', '-Wextra',
];

function whyNot(): string | undefined {
  if (arch() !== 'x64') return `host is ${arch()}, not x86-64`;
  const missing = ['gcc', 'objcopy'].filter((t) => spawnSync(t, ['--version']).status !== 0);
  return missing.length ? `toolchain missing: ${missing.join(', ')}` : undefined;
}
const reason = whyNot();
if (reason) console.warn(`[skip] sse-program.test.ts: ${reason}`);
const dir = reason ? '' : mkdtempSync(join(tmpdir(), 'vdbg-sse-prog-'));
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** The flat image (.text .rodata .data at 0x100000) and the host build's output. */
function build(): { image: Buffer; hostOut: Buffer } {
  const o = (f: string) => join(dir, f);
  execFileSync('gcc', [...CFLAGS, '-c', join(ENTRY, 'start.S'), '-o', o('start.o')]);
  execFileSync('gcc', [...CFLAGS, '-c', join(SRC, 'prog.c'), '-o', o('prog.o')]);
  execFileSync('gcc', [...CFLAGS, '-no-pie', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-T', join(ENTRY, 'link.ld'), o('start.o'), o('prog.o'), '-o', o('prog.elf')]);
  execFileSync('objcopy', ['-O', 'binary', o('prog.elf'), o('prog.bin')]);
  execFileSync('gcc', ['-O2', '-msse4.2', '-fno-math-errno', '-DHOSTED', '-o', o('host'), join(SRC, 'host.c'), join(SRC, 'prog.c')]);
  return { image: readFileSync(o('prog.bin')), hostOut: execFileSync(o('host')) };
}

function machine(image: Buffer) {
  const { memory, state } = buildLongMode({ memSize: BOOT_DEFAULT_MEM_SIZE, entry: BigInt(ENTRY_USER), user: true });
  memory.set(image, LOAD);
  return { memSize: BOOT_DEFAULT_MEM_SIZE, memory, state, maxExits: 16 };
}

function output(mem: Uint8Array): Buffer {
  const n = new DataView(mem.buffer, mem.byteOffset).getUint32(OUT_LEN, true); // main()'s return value
  return Buffer.from(mem.subarray(OUT_BUF, OUT_BUF + n));
}

describe.skipIf(reason !== undefined)('a gcc -O2 SSE program at CPL 3', () => {
  const built = reason ? undefined : build();

  it('prints on the emulator exactly what the host process prints', () => {
    const { image, hostOut } = built!;
    const r = runOnEmu(machine(image));
    expect(r.exitReason.name).toBe('KVM_EXIT_HLT');
    expect(hostOut.length).toBeGreaterThan(500);
    expect(output(r.memory).toString('latin1')).toBe(hostOut.toString('latin1'));
  });

  it.skipIf(kvmSkipReason('sse-program on /dev/kvm') !== undefined)('prints the same bytes on the emulator as through /dev/kvm', () => {
    const { image } = built!;
    const hw = runOnKvm(machine(image));
    const em = runOnEmu(machine(image));
    expect(hw.exitReason.name).toBe('KVM_EXIT_HLT');
    expect(em.exitReason.name).toBe('KVM_EXIT_HLT');
    expect(output(em.memory).equals(output(hw.memory))).toBe(true);
    expect(output(hw.memory).length).toBeGreaterThan(500);
  });
});
