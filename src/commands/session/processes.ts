/**
 * What the session knows of the guest's processes, keyed by CR3: names from
 * the guest's own task table (vmos, read from guest memory through its
 * symbols), the CR3s seen at debug events, and the hit log those events are
 * recorded in (commands.md `info processes`, `info hits`).
 */
import type { SymbolTable } from '../../core/loader/symbols.ts';
import { physReader, readVmosTasks } from '../../core/vmm/vmos.ts';
import type { DebugExit } from '../../core/vmm/handle-exit.ts';
import { HitLog } from './hitlog.ts';
import type { Hit, ProcessRow } from './types.ts';

interface Task {
  pid: number;
  name: string;
  state: string;
}

export class ProcessTable {
  readonly log: HitLog;
  private readonly observed = new Map<bigint, { firstSeen: number; hits: number; lastRip: bigint }>();
  private names = new Map<bigint, Task>();
  private symbols: SymbolTable | null = null;
  private memory: Uint8Array | null = null;

  constructor(hitLogSize: number) {
    this.log = new HitLog(hitLogSize);
  }

  /** A new guest (load, reset, backend): nothing seen yet. */
  attach(symbols: SymbolTable, memory: Uint8Array): void {
    this.symbols = symbols;
    this.memory = memory;
    this.log.clear();
    this.observed.clear();
    this.names.clear();
  }

  /** The name of a CR3's process; an unknown CR3 re-reads the guest's table (the process may be newer than the last read). */
  nameOf(cr3: bigint): string | undefined {
    if (!this.names.has(cr3)) this.refresh();
    return this.names.get(cr3)?.name;
  }

  /** One debug event: a hit log entry, and its CR3 seen. */
  /** The instruction count now while recording (the Session sets it; undefined otherwise, and always on kvm). */
  icountNow: () => number | undefined = () => undefined;

  record(bp: number, cr3: bigint, e: DebugExit): void {
    const seq = this.log.total + 1;
    const process = this.nameOf(cr3);
    const hit: Hit = { seq, bp, cr3, rip: e.pc, exception: e.exception, dr6: e.dr6 };
    if (process !== undefined) hit.process = process;
    const icount = this.icountNow();
    if (icount !== undefined) hit.icount = icount;
    this.log.add(hit);
    const o = this.observed.get(cr3);
    if (o === undefined) this.observed.set(cr3, { firstSeen: seq, hits: 1, lastRip: e.pc });
    else {
      o.hits++;
      o.lastRip = e.pc;
    }
  }

  /** Every process in the guest's table or seen at an event, by pid, then the unnamed by first sighting; `current` marked. */
  rows(current: bigint): ProcessRow[] {
    this.refresh();
    const cr3s = new Set<bigint>([...this.names.keys(), ...this.observed.keys()]);
    const rows: ProcessRow[] = [];
    for (const cr3 of cr3s) {
      const t = this.names.get(cr3), o = this.observed.get(cr3);
      const row: ProcessRow = { cr3, hits: o?.hits ?? 0, firstSeen: o?.firstSeen ?? 0, current: cr3 === current };
      if (t !== undefined) Object.assign(row, { pid: t.pid, name: t.name, state: t.state });
      if (o !== undefined) row.lastRip = o.lastRip;
      rows.push(row);
    }
    return rows.sort((a, b) =>
      a.pid !== undefined && b.pid !== undefined ? a.pid - b.pid : a.pid !== undefined ? -1 : b.pid !== undefined ? 1 : a.firstSeen - b.firstSeen);
  }

  /** Re-reads the guest's task table (vmos_tasks); a guest without one has no names. */
  private refresh(): void {
    const symbols = this.symbols;
    if (symbols === null || this.memory === null) return;
    if (symbols.get('vmos_tasks') === undefined || symbols.get('vmos_ntasks') === undefined) return;
    try {
      const tasks = readVmosTasks(symbols, physReader(this.memory));
      const map = new Map<bigint, Task>();
      for (const t of tasks) {
        const prev = map.get(t.cr3);
        // Two tasks on one CR3 (the idle task's kernel tables before init): keep a live one.
        if (prev === undefined || prev.state === 'exited') map.set(t.cr3, { pid: t.pid, name: t.name, state: t.state });
      }
      this.names = map;
    } catch {
      // A table the guest has not written yet, or garbage: names stay as they were.
    }
  }
}
