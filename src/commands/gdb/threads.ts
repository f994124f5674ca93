/**
 * Guest processes as gdb threads (gdb manual, General Query Packets ›
 * qfThreadInfo, qThreadExtraInfo, qC; Packets › H, T).
 *
 * The session knows processes by CR3 (SessionApi.processes(): the guest's
 * task table where it has one, plus every CR3 seen at a debug event). Each
 * live process is one thread:
 *
 * - thread id = pid + 1 for a process the task table names (gdb reserves
 *   0 for "any thread", and vmos's idle task is pid 0), so vmos's init
 *   (pid 1) is thread 2, the counters (pids 2 and 3) threads 3 and 4;
 * - a CR3 no task names (the loader's page tables before the kernel runs, a
 *   guest without a task table) gets 0x10000 + n, n counting such CR3s in
 *   the order the server first lists them; it keeps that id for as long as
 *   the server runs;
 * - exited processes are not listed (gdb prints "[Thread … exited]"), nor
 *   kernel threads (Linux): they have no address space of their own;
 * - the thread on the vCPU is the one whose CR3 is current; it is listed
 *   even when no table row has it yet.
 *
 * Only the thread on the vCPU has registers; another's are unavailable
 * except its CR3 and, with the vmos task table, its saved RIP (where it
 * resumes, `saved_rip` of docs/guest.md "vmos_tasks").
 */
import { cr3Base } from '../../core/os/cr3.ts';
import type { SessionApi } from '../session/types.ts';
import type { ThreadRegisters } from './registers.ts';

export interface GdbThread {
  tid: number;
  cr3: bigint;
  pid?: number;
  name?: string;
  state?: string;
  /** Where it resumes (vmos saved_rip, from the process table). */
  savedRip?: bigint;
  /** On the vCPU now (its CR3 is current). */
  current: boolean;
}

const SYNTHETIC_BASE = 0x10000;

export class ThreadMap {
  private readonly synthetic = new Map<bigint, number>();

  constructor(private readonly session: SessionApi) {}

  /** The live threads, by thread id. */
  list(): GdbThread[] {
    const s = this.session;
    const cr3 = cr3Base(s.registers().cr3); // the table's CR3s are page-table bases (PCID bits clear)
    const out: GdbThread[] = [];
    let sawCurrent = false;
    for (const p of s.processes()) {
      if (p.state === 'exited' || p.cr3 === undefined) continue;
      const current = p.cr3 === cr3;
      sawCurrent ||= current;
      const t: GdbThread = { tid: this.tidOf(p.cr3, p.pid), cr3: p.cr3, current };
      if (p.pid !== undefined) t.pid = p.pid;
      if (p.name !== undefined) t.name = p.name;
      if (p.state !== undefined) t.state = p.state;
      if (p.savedRip !== undefined) t.savedRip = p.savedRip;
      out.push(t);
    }
    if (!sawCurrent) out.push({ tid: this.tidOf(cr3, undefined), cr3, current: true });
    return out.sort((a, b) => a.tid - b.tid);
  }

  /** The thread on the vCPU. */
  current(): GdbThread {
    return this.list().find((t) => t.current)!;
  }

  byTid(tid: number): GdbThread | undefined {
    return this.list().find((t) => t.tid === tid);
  }

  /** The thread id of the process with this CR3 (a stop's). */
  tidOfCr3(cr3: bigint): number {
    const p = this.session.processes().find((r) => r.cr3 === cr3Base(cr3));
    return this.tidOf(cr3, p?.pid);
  }

  private tidOf(cr3: bigint, pid: number | undefined): number {
    if (pid !== undefined) return pid + 1;
    let t = this.synthetic.get(cr3);
    if (t === undefined) {
      t = SYNTHETIC_BASE + this.synthetic.size;
      this.synthetic.set(cr3, t);
    }
    return t;
  }

  /** Registers of a thread that is not on the vCPU: its CR3, and its saved RIP where the guest has a vmos task table. */
  parkedRegisters(t: GdbThread): ThreadRegisters {
    return t.savedRip === undefined ? { cr3: t.cr3 } : { cr3: t.cr3, rip: t.savedRip };
  }
}

/** qThreadExtraInfo's text: `counter pid 2 cr3 0x117000 runnable`. */
export function describeThread(t: GdbThread): string {
  const parts: string[] = [];
  if (t.name !== undefined) parts.push(t.name);
  if (t.pid !== undefined) parts.push(`pid ${t.pid}`);
  parts.push(`cr3 0x${t.cr3.toString(16)}`);
  if (t.state !== undefined) parts.push(t.state);
  return parts.join(' ');
}
