/**
 * Linux awareness: the kernel's task list walked from `init_task` along
 * `task_struct.tasks` (include/linux/sched.h; for_each_process() in
 * include/linux/sched/signal.h walks the same list: thread-group leaders,
 * so one row per process), with the offsets of that build (linux-offsets.ts).
 * Kernel addresses are read through the page tables of a CR3 that maps the
 * kernel (any process's does: the kernel half is shared), so the walk does
 * not depend on the direct map's base or KASLR.
 *
 * Bounded: at most `maxTasks` tasks, a `next` pointer that comes back to a
 * task already seen (other than init_task) is a cycle, and unreadable memory
 * ends the walk — each with the tasks read so far and the reason.
 */
import type { SymbolTable } from '../loader/symbols.ts';
import type { GuestMemory, OsAwareness, OsTask, TaskList } from './awareness.ts';
import { cr3Base } from './cr3.ts';
import type { LinuxOffsets } from './linux-offsets.ts';

export const MAX_TASKS = 8192;

/**
 * ps's state letter (fs/proc/array.c task_state_array, indexed by
 * __task_state_index() in include/linux/sched.h, Linux 6.1): the lowest
 * reportable bit set in (__state | exit_state) & TASK_REPORT, with
 * TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD) as I and TASK_RTLOCK_WAIT as D.
 */
export function linuxStateLetter(state: number, exitState = 0): string {
  const TASK_UNINTERRUPTIBLE = 0x2, TASK_NOLOAD = 0x400, TASK_RTLOCK_WAIT = 0x1000, TASK_REPORT = 0x7f;
  const TASK_IDLE = TASK_UNINTERRUPTIBLE | TASK_NOLOAD;
  let s = (state | exitState) & TASK_REPORT;
  if ((state & TASK_IDLE) === TASK_IDLE) s = 0x80; // TASK_REPORT_IDLE
  if (state & TASK_RTLOCK_WAIT) s = TASK_UNINTERRUPTIBLE;
  const fls = s === 0 ? 0 : 32 - Math.clz32(s);
  return 'RSDTtXZPI'[fls];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

export class LinuxAwareness implements OsAwareness {
  readonly name = 'linux';

  constructor(
    private readonly symbols: SymbolTable,
    private readonly off: LinuxOffsets,
    private readonly maxTasks = MAX_TASKS,
  ) {}

  read(mem: GuestMemory): TaskList & { via?: bigint } {
    const initTask = this.symbols.address('init_task');
    const candidates = mem.kernelCr3s();
    const via = candidates.find((c) => {
      try {
        mem.translate(c, initTask);
        return true;
      } catch {
        return false;
      }
    });
    if (via === undefined) {
      const tried = candidates.map(hex).join(', ') || 'none';
      return { tasks: [], partial: `init_task (${hex(initTask)}) is not mapped under CR3 ${tried}: the kernel has not set up its page tables yet` };
    }
    const read = (va: bigint, len: number): DataView => {
      const b = mem.virtual(via, va, len);
      return new DataView(b.buffer, b.byteOffset, b.byteLength);
    };
    const mismatch = this.versionMismatch(read);
    if (mismatch !== undefined) return { tasks: [], partial: mismatch, via };

    const tasks: OsTask[] = [];
    const seen = new Set<bigint>();
    let t = initTask;
    for (;;) {
      let next: bigint;
      try {
        const r = this.task(t, t === initTask, read, mem, via);
        tasks.push(r.task);
        next = r.next;
      } catch (e) {
        return { tasks, partial: `task_struct at ${hex(t)} unreadable after ${tasks.length} tasks: ${message(e)}`, via };
      }
      if (t === initTask) {
        const first = tasks[0];
        if (first.pid !== 0 || !first.name.startsWith('swapper')) {
          return { tasks: [], partial: `the offsets do not fit this kernel: init_task reads as pid ${first.pid} comm ${JSON.stringify(first.name)} (expected pid 0 "swapper…")`, via };
        }
      }
      seen.add(t);
      if (next === initTask) return { tasks, via };
      if (seen.has(next)) return { tasks, partial: `the task list loops back to ${hex(next)} after ${tasks.length} tasks without reaching init_task`, via };
      if (tasks.length >= this.maxTasks) return { tasks, partial: `stopped at ${this.maxTasks} tasks`, via };
      t = next;
    }
  }

  /** The image's `linux_banner` ("Linux version 6.1.0 …") against the offsets' kernelVersion; undefined when they agree or the image has no banner symbol. */
  private versionMismatch(read: (va: bigint, len: number) => DataView): string | undefined {
    const banner = this.symbols.get('linux_banner');
    if (banner === undefined) return undefined;
    let text: string;
    try {
      const v = read(banner.value, 128);
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      const end = bytes.indexOf(0);
      text = Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('latin1');
    } catch (e) {
      return `linux_banner unreadable: ${message(e)}`;
    }
    const release = /^Linux version (\S+)/.exec(text)?.[1];
    const wanted = this.off.kernelVersion.split(/\s+/)[0];
    if (release === wanted) return undefined;
    return `the offsets are for kernel ${wanted} but linux_banner says ${release === undefined ? JSON.stringify(text.slice(0, 40)) : release}`;
  }

  /** The task_struct's bytes the walk reads, from offset 0 to the end of the last field: one read per task (a page walk per page, not per field). */
  private span(): number {
    const o = this.off.task;
    return Math.max(o.tasks + 8, o.pid + 4, o.tgid + 4, o.comm + this.off.commLen, o.state + 4, o.mm + 8, o.flags + 4, (o.realParent ?? 0) + 8, (o.exitState ?? 0) + 4);
  }

  /** One task_struct at `t` (`init`: it is init_task), and the address of the next one on the list. */
  private task(t: bigint, init: boolean, read: (va: bigint, len: number) => DataView, mem: GuestMemory, via: bigint): { task: OsTask; next: bigint } {
    const o = this.off.task;
    const v = read(t, this.span());
    const u32 = (off: number) => v.getUint32(off, true);
    const i32 = (off: number) => v.getInt32(off, true);
    const u64 = (off: number) => v.getBigUint64(off, true);
    const comm = new Uint8Array(v.buffer, v.byteOffset + o.comm, this.off.commLen);
    const end = comm.indexOf(0);
    const state = linuxStateLetter(u32(o.state), o.exitState === undefined ? 0 : u32(o.exitState));
    const mm = u64(o.mm);
    const gone = state === 'Z' || state === 'X';
    const task: OsTask = {
      pid: i32(o.pid),
      tgid: i32(o.tgid),
      name: Buffer.from(comm.subarray(0, end < 0 ? comm.length : end)).toString('latin1'),
      state,
      // PF_KTHREAD, or no mm of its own while alive (exit_mm() clears a dying task's mm: a zombie is no kernel thread).
      kernelThread: (u32(o.flags) & this.off.pfKthread) !== 0 || (mm === 0n && !gone),
    };
    if (o.realParent !== undefined) task.ppid = read(u64(o.realParent) + BigInt(o.tgid), 4).getInt32(0, true);
    let cr3: bigint | undefined;
    if (init && mm === 0n) {
      // The idle task runs on init_mm (its active_mm): the kernel's own page tables, the CR3 seen while the kernel idles or boots.
      const initMm = this.symbols.get('init_mm');
      if (initMm !== undefined) cr3 = this.pgdCr3(mem, via, initMm.value, read);
    } else if (!task.kernelThread && mm !== 0n) {
      cr3 = this.pgdCr3(mem, via, mm, read);
    }
    if (cr3 !== undefined) task.cr3 = cr3;
    return { task, next: BigInt.asUintN(64, u64(o.tasks) - BigInt(o.tasks)) };
  }

  /** The CR3 of an mm_struct: mm->pgd is the kernel virtual address of the PGD; CR3 holds its physical address (build_cr3() in arch/x86/mm/tlb.c). undefined for an mm being torn down. */
  private pgdCr3(mem: GuestMemory, via: bigint, mm: bigint, read: (va: bigint, len: number) => DataView): bigint | undefined {
    try {
      return cr3Base(mem.translate(via, read(mm + BigInt(this.off.mmPgd), 8).getBigUint64(0, true)));
    } catch {
      return undefined;
    }
  }
}
