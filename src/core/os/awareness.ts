/**
 * OS awareness: reading a guest kernel's own task list out of guest memory
 * to name address spaces, the way Volatility's pslist, LibVMI's process list
 * or WinDbg's `!process 0 0` do. One module per kernel — vmos (its
 * `vmos_tasks` table, vmos.ts) and Linux (`init_task.tasks`, linux.ts) —
 * chosen by the image's symbols; an image with neither has no task list and
 * the debugger knows processes only as the CR3s seen at debug events.
 */
import { isAbsolute, relative } from 'node:path';
import type { SymbolTable } from '../loader/symbols.ts';
import type { LinuxProfile } from './linux-offsets.ts';
import { LinuxAwareness } from './linux.ts';
import { VmosAwareness } from './vmos.ts';

/** One task of the guest's list. */
export interface OsTask {
  pid: number;
  /** Thread group (Linux: the process's pid; equal to pid for a group leader). */
  tgid?: number;
  /** The parent's pid (Linux: real_parent->tgid). */
  ppid?: number;
  name: string;
  /** vmos: runnable, sleeping, …; Linux: ps's letter R S D T t X Z P I. */
  state: string;
  /** The page-table base of the task's own address space (PCID and flag bits clear); none for a kernel thread or a task past exit_mm. */
  cr3?: bigint;
  /** A kernel thread (Linux PF_KTHREAD): it has no address space of its own and runs on a borrowed one. */
  kernelThread: boolean;
  /** Where a task not on the vCPU resumes (vmos `saved_rip`). */
  savedRip?: bigint;
}

/** A walk of the task list; `partial` says why it stopped short (unreadable memory, a cycle, the cap), with the tasks read until then. */
export interface TaskList {
  tasks: OsTask[];
  partial?: string;
}

/** Guest memory as a module reads it. */
export interface GuestMemory {
  /** `len` bytes at guest-physical `addr`; throws when outside RAM. */
  physical(addr: bigint, len: number): Uint8Array;
  /** The guest-physical address of virtual `va` through `cr3`'s page tables; throws when unmapped. */
  translate(cr3: bigint, va: bigint): bigint;
  /** `len` bytes at virtual `va` through `cr3`'s page tables; throws when a page is unmapped. */
  virtual(cr3: bigint, va: bigint, len: number): Uint8Array;
  /** CR3s to read kernel addresses through, best first (the vCPU's now, then the last one that worked); asked only by a module that reads virtual memory (learning the vCPU's CR3 is an ioctl). */
  kernelCr3s(): readonly bigint[];
}

export interface OsAwareness {
  readonly name: 'vmos' | 'linux';
  /** Reads the task list; never throws (a failure is a partial list saying why). `via`: the CR3 kernel memory was read through. */
  read(mem: GuestMemory): TaskList & { via?: bigint };
}

/** The module an image gets, and why (commands.md `info os`). */
export interface AwarenessChoice {
  awareness: OsAwareness | null;
  why: string;
}

/**
 * vmos symbols → vmos; `init_task` with a task_struct profile → Linux;
 * neither → none. `linux` is what the session found for a Linux kernel's
 * offsets (undefined: not a Linux boot, or no file looked for).
 */
export function chooseAwareness(symbols: SymbolTable, linux?: LinuxProfile | { problem: string }): AwarenessChoice {
  if (symbols.get('vmos_tasks') !== undefined && symbols.get('vmos_ntasks') !== undefined) {
    return { awareness: new VmosAwareness(symbols), why: 'vmos: the image has the vmos_tasks and vmos_ntasks symbols (docs/guest.md "vmos_tasks")' };
  }
  if (symbols.get('init_task') !== undefined) {
    if (linux === undefined) return { awareness: null, why: 'none: the symbols have init_task (Linux) but no task_struct offsets were given (--os-offsets FILE)' };
    if ('problem' in linux) return { awareness: null, why: `none: the symbols have init_task (Linux) but ${linux.problem}` };
    return {
      awareness: new LinuxAwareness(symbols, linux.offsets),
      why: `linux: init_task from ${shown(linux.symbolsFrom)}, task_struct offsets from ${shown(linux.file)} (kernel ${linux.offsets.kernelVersion})`,
    };
  }
  const missing = linux !== undefined && 'problem' in linux ? ` (${linux.problem})` : '';
  return { awareness: null, why: `none: the image's symbols have neither vmos_tasks nor init_task${missing}; processes are the CR3s seen at debug events` };
}

/** A file as the user would name it: relative to the working directory when inside it (the same transcript from any clone). */
function shown(file: string): string {
  if (!isAbsolute(file)) return file;
  const r = relative(process.cwd(), file);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}
