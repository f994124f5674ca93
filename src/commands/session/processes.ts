/**
 * What the session knows of the guest's processes, keyed by CR3: the guest
 * kernel's own task list, read by the OS-awareness module its symbols chose
 * (src/core/os: vmos's table, Linux's init_task list), the CR3s seen at
 * debug events, and the hit log those events are recorded in (commands.md
 * `info processes`, `info hits`, `info os`). Kernel threads have no address
 * space of their own: they are rows without a CR3, matched by no event.
 */
import type { AwarenessChoice, GuestMemory, OsTask } from '../../core/os/awareness.ts';
import { cr3Base } from '../../core/os/cr3.ts';
import { physReader } from '../../core/os/vmos.ts';
import type { DebugExit } from '../../core/vmm/handle-exit.ts';
import { HitLog } from './hitlog.ts';
import { readVirtual, translate } from './memory.ts';
import type { Hit, OsInfo, ProcessRow } from './types.ts';

export class ProcessTable {
  readonly log: HitLog;
  private readonly observed = new Map<bigint, { firstSeen: number; hits: number; lastRip: bigint }>();
  /** Tasks with an address space, by CR3 (page-table base). */
  private names = new Map<bigint, OsTask>();
  private kernelThreads: OsTask[] = [];
  private choice: AwarenessChoice = { awareness: null, why: 'none: no image attached yet' };
  private memory: Uint8Array | null = null;
  /** The CR3 the last walk read kernel memory through (the next walk tries it after the vCPU's). */
  private lastVia: bigint | undefined;
  private lastRead: { tasks: number; partial?: string } | null = null;

  constructor(hitLogSize: number) {
    this.log = new HitLog(hitLogSize);
  }

  /** The instruction count now while recording (the Session sets it; undefined otherwise, and always on kvm). */
  icountNow: () => number | undefined = () => undefined;
  /** The vCPU's CR3 now (the Session sets it): the first CR3 kernel memory is read through. */
  currentCr3: () => bigint | undefined = () => undefined;

  /** A new guest (load, reset, backend): nothing seen yet; `choice` is the awareness module its image's symbols chose. */
  attach(choice: AwarenessChoice, memory: Uint8Array): void {
    this.choice = choice;
    this.memory = memory;
    this.log.clear();
    this.observed.clear();
    this.names.clear();
    this.kernelThreads = [];
    this.lastVia = undefined;
    this.lastRead = null;
  }

  /** The name of a CR3's process; an unknown CR3 re-reads the guest's table (the process may be newer than the last read). */
  nameOf(cr3: bigint): string | undefined {
    const key = cr3Base(cr3);
    if (!this.names.has(key)) this.refresh();
    return this.names.get(key)?.name;
  }

  /** One debug event: a hit log entry, and its CR3 seen. */
  record(bp: number, cr3: bigint, e: DebugExit): void {
    const seq = this.log.total + 1;
    const process = this.nameOf(cr3);
    const hit: Hit = { seq, bp, cr3, rip: e.pc, exception: e.exception, dr6: e.dr6 };
    if (process !== undefined) hit.process = process;
    const icount = this.icountNow();
    if (icount !== undefined) hit.icount = icount;
    this.log.add(hit);
    const key = cr3Base(cr3);
    const o = this.observed.get(key);
    if (o === undefined) this.observed.set(key, { firstSeen: seq, hits: 1, lastRip: e.pc });
    else {
      o.hits++;
      o.lastRip = e.pc;
    }
  }

  /** Every process in the guest's table or seen at an event, and the kernel threads; by pid, then the unnamed by first sighting; `current` marked. */
  rows(current: bigint): ProcessRow[] {
    this.refresh();
    const cur = cr3Base(current);
    const cr3s = new Set<bigint>([...this.names.keys(), ...this.observed.keys()]);
    const rows: ProcessRow[] = [];
    for (const cr3 of cr3s) {
      const t = this.names.get(cr3), o = this.observed.get(cr3);
      const row: ProcessRow = { cr3, hits: o?.hits ?? 0, firstSeen: o?.firstSeen ?? 0, current: cr3 === cur };
      if (t !== undefined) Object.assign(row, taskFields(t));
      if (o !== undefined) row.lastRip = o.lastRip;
      rows.push(row);
    }
    for (const t of this.kernelThreads) rows.push({ ...taskFields(t), hits: 0, firstSeen: 0, current: false });
    return rows.sort((a, b) =>
      a.pid !== undefined && b.pid !== undefined ? a.pid - b.pid : a.pid !== undefined ? -1 : b.pid !== undefined ? 1 : a.firstSeen - b.firstSeen);
  }

  /** Which awareness module is active and why, and what the last read of the task list gave (commands.md `info os`). */
  osInfo(): OsInfo {
    this.refresh();
    const info: OsInfo = { module: this.choice.awareness?.name ?? 'none', why: this.choice.why };
    if (this.lastRead !== null) {
      info.tasks = this.lastRead.tasks;
      if (this.lastRead.partial !== undefined) info.partial = this.lastRead.partial;
    }
    if (this.lastVia !== undefined) info.readThrough = this.lastVia;
    return info;
  }

  /** Re-reads the guest's task list; a read that gets no task at all (a table not written yet, memory not mapped yet) keeps the names as they were. */
  private refresh(): void {
    const aware = this.choice.awareness, memory = this.memory;
    if (aware === null || memory === null) return;
    const list = aware.read(this.guestMemory(memory));
    if (list.via !== undefined) this.lastVia = list.via;
    this.lastRead = list.partial === undefined ? { tasks: list.tasks.length } : { tasks: list.tasks.length, partial: list.partial };
    if (list.tasks.length === 0) return;
    const map = new Map<bigint, OsTask>();
    const kthreads: OsTask[] = [];
    for (const t of list.tasks) {
      if (t.cr3 === undefined) {
        if (t.kernelThread) kthreads.push(t);
        continue;
      }
      const key = cr3Base(t.cr3);
      const prev = map.get(key);
      // Two tasks on one CR3 (vmos's idle task on the kernel tables before init; a vfork child before exec): keep a live one, the first.
      if (prev === undefined || prev.state === 'exited') map.set(key, t);
    }
    this.names = map;
    this.kernelThreads = kthreads;
  }

  private guestMemory(memory: Uint8Array): GuestMemory {
    const paging = (cr3: bigint) => ({ cr3, enabled: true });
    const kernelCr3s = () => [...new Set([this.currentCr3(), this.lastVia].filter((c): c is bigint => c !== undefined))];
    return {
      physical: physReader(memory),
      translate: (cr3, va) => translate(memory, paging(cr3), va),
      virtual: (cr3, va, len) => readVirtual(memory, paging(cr3), va, len),
      kernelCr3s,
    };
  }
}

/** The row fields a task gives. */
function taskFields(t: OsTask): Partial<ProcessRow> {
  const f: Partial<ProcessRow> = { pid: t.pid, name: t.name, state: t.state };
  if (t.cr3 !== undefined) f.cr3 = t.cr3;
  if (t.kernelThread) f.kernelThread = true;
  if (t.ppid !== undefined) f.ppid = t.ppid;
  if (t.savedRip !== undefined) f.savedRip = t.savedRip;
  return f;
}
