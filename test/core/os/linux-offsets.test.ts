/**
 * The Linux profile's files (src/core/os/linux-offsets.ts): the offsets JSON
 * (the bundled kernel's, and malformed ones naming the field), System.map
 * lines, and where each is looked for beside a kernel.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findLinuxOffsets, findSystemMap, parseLinuxOffsets, parseSystemMap } from '../../../src/core/os/linux-offsets.ts';

const GUEST = fileURLToPath(new URL('../../../guests/linux/', import.meta.url));
const BUNDLED = readFileSync(`${GUEST}linux-offsets.json`, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'vdbg-offsets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('linux-offsets.json', () => {
  it('reads the bundled kernel\'s file', () => {
    expect(parseLinuxOffsets(BUNDLED)).toEqual({
      kernelVersion: '6.1.176',
      task: { tasks: 560, pid: 696, tgid: 700, comm: 1040, state: 24, mm: 576, flags: 44, realParent: 704, exitState: 592 },
      mmPgd: 48,
      pfKthread: 0x200000,
      commLen: 16,
    });
  });

  it('names what is missing or wrong', () => {
    const j = JSON.parse(BUNDLED);
    const without = (f: (o: typeof j) => void) => {
      const c = structuredClone(j);
      f(c);
      return JSON.stringify(c);
    };
    expect(() => parseLinuxOffsets('{')).toThrow(/^not JSON/);
    expect(() => parseLinuxOffsets(without((o) => delete o.task_struct.comm))).toThrow('task_struct.comm is missing');
    expect(() => parseLinuxOffsets(without((o) => (o.task_struct.pid = -4)))).toThrow('task_struct.pid is not an offset (-4)');
    expect(() => parseLinuxOffsets(without((o) => delete o.mm_struct))).toThrow('mm_struct is not an object');
    expect(() => parseLinuxOffsets(without((o) => delete o.kernelVersion))).toThrow('kernelVersion is missing');
    expect(() => parseLinuxOffsets(without((o) => (o.TASK_COMM_LEN = 0)))).toThrow('TASK_COMM_LEN 0 is out of range');
  });

  it('is found as KERNEL.offsets.json, else linux-offsets.json beside the kernel; an explicit file wins', () => {
    const sub = mkdtempSync(join(dir, 'k-'));
    const kernel = join(sub, 'bzImage');
    expect(findLinuxOffsets(kernel)).toBeUndefined();
    writeFileSync(join(sub, 'linux-offsets.json'), BUNDLED);
    expect(findLinuxOffsets(kernel)).toMatchObject({ file: join(sub, 'linux-offsets.json') });
    writeFileSync(`${kernel}.offsets.json`, '{"kernelVersion":"x"}');
    expect(findLinuxOffsets(kernel)).toEqual({ problem: `${kernel}.offsets.json: task_struct is not an object` });
    expect(findLinuxOffsets(kernel, join(sub, 'linux-offsets.json'))).toMatchObject({ offsets: { kernelVersion: '6.1.176' } });
    expect(findLinuxOffsets(kernel, join(sub, 'nope.json'))).toEqual({ problem: `${join(sub, 'nope.json')}: no such file` });
  });
});

describe('System.map', () => {
  it('parses nm lines: address, type letter, name', () => {
    expect(parseSystemMap('ffffffff81000000 T _text\nffffffff82a0c940 D init_task\nffffffff8103a353 W weak_fn\n0000000000000000 A abs\n\nbad line\nffffffff81823600 b local_bss\n')).toEqual([
      { name: '_text', value: 0xffffffff81000000n, size: 0, type: 'func', global: true },
      { name: 'init_task', value: 0xffffffff82a0c940n, size: 0, type: 'object', global: true },
      { name: 'weak_fn', value: 0xffffffff8103a353n, size: 0, type: 'func', global: true },
      { name: 'abs', value: 0n, size: 0, type: 'notype', global: true },
      { name: 'local_bss', value: 0xffffffff81823600n, size: 0, type: 'object', global: false },
    ]);
  });

  it('the bundled one has init_task, init_mm and linux_banner; found beside the kernel', () => {
    const m = findSystemMap(`${GUEST}bzImage`);
    expect(m).toMatchObject({ file: `${GUEST}System.map` });
    const names = new Set((m as { symbols: { name: string }[] }).symbols.map((s) => s.name));
    for (const n of ['init_task', 'init_mm', 'linux_banner', 'do_syscall_64']) expect(names.has(n)).toBe(true);
    writeFileSync(join(dir, 'empty.map'), 'nothing here\n');
    expect(findSystemMap(`${GUEST}bzImage`, join(dir, 'empty.map'))).toEqual({ problem: `${join(dir, 'empty.map')}: no symbols (not a System.map?)` });
  });
});
