/**
 * The Linux task-list walk (src/core/os/linux.ts) over task_structs laid
 * out in a guest memory image with the bundled kernel's offsets: the list
 * from init_task, names/states/kernel threads/CR3s, and the bounded ends —
 * a cycle, a bad pointer, the cap, a kernel not mapped yet, offsets or a
 * banner that do not fit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ElfSymbol } from '../../../src/core/loader/elf.ts';
import { SymbolTable } from '../../../src/core/loader/symbols.ts';
import { LinuxAwareness, linuxStateLetter } from '../../../src/core/os/linux.ts';
import { LinuxImage, OFFSETS } from './linux-guest-image.ts';

const PF_KTHREAD = 0x0020_0000;

function sym(name: string, value: bigint): ElfSymbol {
  return { name, value, size: 0, type: 'object', global: true };
}

let g: LinuxImage;
let initTask: bigint, init: bigint, kthreadd: bigint, sh: bigint, zombie: bigint;
let initMmPgd: number, initPgd: number, shPgd: number;
let symbols: SymbolTable;

beforeEach(() => {
  g = new LinuxImage();
  initTask = g.kernelVa(0x1000);
  const initMm = g.kernelVa(0x4000);
  g.setU64(g.pa(initMm + BigInt(OFFSETS.mmPgd)), g.kernelVa(0x8000)); // init_mm.pgd: swapper_pg_dir in the kernel image
  initMmPgd = g.kernelPa + 0x8000;
  g.setBytes(g.pa(g.kernelVa(0x5000)), 'Linux version 6.1.176 (vdbg@build) #1 Thu\n\0');
  symbols = new SymbolTable([sym('init_task', initTask), sym('init_mm', initMm), sym('linux_banner', g.kernelVa(0x5000))]);

  init = g.newTask();
  kthreadd = g.newTask();
  sh = g.newTask();
  zombie = g.newTask();
  const m1 = g.newMm(), m3 = g.newMm();
  initPgd = m1.pgdPa;
  shPgd = m3.pgdPa;
  g.task(initTask, { pid: 0, comm: 'swapper', flags: PF_KTHREAD });
  g.task(init, { pid: 1, comm: 'init', state: 1, mm: m1.mm, parent: initTask });
  g.task(kthreadd, { pid: 2, comm: 'kthreadd', state: 0x402, flags: PF_KTHREAD, parent: initTask });
  g.task(sh, { pid: 73, comm: 'sh', state: 0, mm: m3.mm, parent: init });
  g.task(zombie, { pid: 80, comm: 'true', exitState: 0x20, parent: sh });
  g.link([initTask, init, kthreadd, sh, zombie]);
});

const walk = (max?: number, cr3s?: bigint[]) => new LinuxAwareness(symbols, OFFSETS, max).read(g.memory(cr3s));

describe('Linux task list from init_task', () => {
  it('lists every task: pid, ppid, comm, ps state, kernel threads without a CR3, mm->pgd as CR3', () => {
    const r = walk();
    expect(r.partial).toBeUndefined();
    expect(r.via).toBe(g.cr3);
    expect(r.tasks).toEqual([
      // The idle task runs on init_mm: its CR3 is the kernel's own page tables.
      { pid: 0, tgid: 0, ppid: 0, name: 'swapper', state: 'R', kernelThread: true, cr3: BigInt(initMmPgd) },
      { pid: 1, tgid: 1, ppid: 0, name: 'init', state: 'S', kernelThread: false, cr3: BigInt(initPgd) },
      { pid: 2, tgid: 2, ppid: 0, name: 'kthreadd', state: 'I', kernelThread: true },
      { pid: 73, tgid: 73, ppid: 1, name: 'sh', state: 'R', kernelThread: false, cr3: BigInt(shPgd) },
      // exit_mm() cleared its mm: no address space, and no kernel thread either.
      { pid: 80, tgid: 80, ppid: 73, name: 'true', state: 'Z', kernelThread: false },
    ]);
  });

  it('comm is TASK_COMM_LEN bytes at most: a name without a NUL stops there, whatever follows', () => {
    g.task(sh, { pid: 73, comm: 'abcdefghijklmnop', mm: 0n, parent: init });
    g.setBytes(g.pa(sh + BigInt(OFFSETS.task.comm + OFFSETS.commLen)), 'XYZ');
    expect(walk().tasks.find((t) => t.pid === 73)?.name).toBe('abcdefghijklmnop');
  });

  it('a list that loops back to a task other than init_task ends with the tasks read and says so', () => {
    g.link([initTask, init, kthreadd, sh]);
    const off = BigInt(OFFSETS.task.tasks);
    g.setU64(g.pa(sh + off), init + off); // sh → init: a cycle that never reaches init_task
    const r = walk();
    expect(r.tasks.map((t) => t.pid)).toEqual([0, 1, 2, 73]);
    expect(r.partial).toMatch(/loops back to 0xffff8880[0-9a-f]+ after 4 tasks without reaching init_task/);
  });

  it('a next pointer into unmapped memory ends the walk with the tasks read and the page walk\'s reason', () => {
    g.setU64(g.pa(kthreadd + BigInt(OFFSETS.task.tasks)), 0xffff_8880_07f0_0000n + BigInt(OFFSETS.task.tasks));
    const r = walk();
    expect(r.tasks.map((t) => t.pid)).toEqual([0, 1, 2]);
    expect(r.partial).toMatch(/^task_struct at 0xffff888007f00000 unreadable after 3 tasks: .*not present/);
  });

  it('stops at the cap', () => {
    const r = walk(3);
    expect(r.tasks).toHaveLength(3);
    expect(r.partial).toBe('stopped at 3 tasks');
  });

  it('reads kernel memory through the first CR3 that maps init_task; none → no tasks, and why', () => {
    const bogus = BigInt(g.alloc()); // an empty PML4
    expect(walk(undefined, [bogus, g.cr3]).via).toBe(g.cr3);
    const r = walk(undefined, [bogus]);
    expect(r.tasks).toEqual([]);
    expect(r.partial).toBe(`init_task (0x${initTask.toString(16)}) is not mapped under CR3 0x${bogus.toString(16)}: the kernel has not set up its page tables yet`);
  });

  it('refuses offsets of another kernel: linux_banner\'s release, then init_task not reading as swapper', () => {
    g.setBytes(g.pa(g.kernelVa(0x5000)), 'Linux version 6.6.1 (x@y) #1\0');
    expect(walk()).toMatchObject({ tasks: [], partial: 'the offsets are for kernel 6.1.176 but linux_banner says 6.6.1' });
    g.setBytes(g.pa(g.kernelVa(0x5000)), 'Linux version 6.1.176 (x@y) #1\0');
    g.task(initTask, { pid: 0, comm: 'garbage', flags: PF_KTHREAD });
    expect(walk()).toMatchObject({ tasks: [], partial: 'the offsets do not fit this kernel: init_task reads as pid 0 comm "garbage" (expected pid 0 "swapper…")' });
  });
});

describe('ps state letters (fs/proc/array.c task_state_array)', () => {
  it.each([
    [0, 0, 'R'], [0x1, 0, 'S'], [0x2, 0, 'D'], [0x402, 0, 'I'], [0x4, 0, 'T'], [0x8, 0, 't'],
    [0, 0x10, 'X'], [0, 0x20, 'Z'], [0x40, 0, 'P'], [0x1000, 0, 'D'], [0x101, 0, 'S'], [0x102, 0, 'D'],
  ])('__state 0x%s exit_state 0x%s → %s', (state, exit, letter) => {
    expect(linuxStateLetter(state, exit)).toBe(letter);
  });
});
