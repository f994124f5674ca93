/**
 * The vmos introspection profile (docs/guest.md "vmos_tasks"): the task table
 * a debugger reads from guest memory to name processes by CR3, the way
 * Volatility or LibVMI read a kernel's structures from a profile.
 *
 *   struct task { u32 pid; u32 state; u64 cr3; char name[16]; u64 saved_rip; u64 ticks; }  // 48 bytes
 */
import type { SymbolTable } from '../loader/symbols.ts';
import type { GuestMemory, OsAwareness, TaskList } from './awareness.ts';

export const VMOS_TASK_SIZE = 48;
export const VMOS_TASK_STATES = ['free', 'runnable', 'running', 'sleeping', 'exited'] as const;
export type VmosTaskState = (typeof VMOS_TASK_STATES)[number] | `unknown(${number})`;

export interface VmosTask {
  pid: number;
  state: VmosTaskState;
  cr3: bigint;
  name: string;
  savedRip: bigint;
  ticks: bigint;
}

/**
 * Reads `vmos_ntasks` entries of `vmos_tasks` through a reader of guest
 * memory at kernel (identity-mapped) addresses; free slots are left out.
 */
export function readVmosTasks(symbols: SymbolTable, read: (addr: bigint, len: number) => Uint8Array): VmosTask[] {
  const table = symbols.address('vmos_tasks');
  const n = new DataView(read(symbols.address('vmos_ntasks'), 4).slice().buffer).getUint32(0, true);
  const out: VmosTask[] = [];
  for (let i = 0; i < n; i++) {
    const b = read(table + BigInt(i * VMOS_TASK_SIZE), VMOS_TASK_SIZE).slice();
    const v = new DataView(b.buffer);
    const st = v.getUint32(4, true);
    if (st === 0) continue;
    const nameBytes = b.subarray(16, 32);
    const end = nameBytes.indexOf(0);
    out.push({
      pid: v.getUint32(0, true),
      state: VMOS_TASK_STATES[st] ?? `unknown(${st})`,
      cr3: v.getBigUint64(8, true),
      name: new TextDecoder().decode(nameBytes.subarray(0, end < 0 ? 16 : end)),
      savedRip: v.getBigUint64(32, true),
      ticks: v.getBigUint64(40, true),
    });
  }
  return out;
}

/** A reader over guest-physical memory (the kernel's addresses are identity-mapped). */
export function physReader(memory: Uint8Array): (addr: bigint, len: number) => Uint8Array {
  return (addr, len) => {
    const a = Number(addr);
    if (a < 0 || a + len > memory.length) throw new RangeError(`guest-physical 0x${addr.toString(16)}+${len} is outside guest memory`);
    return memory.subarray(a, a + len);
  };
}

/** vmos as an OS-awareness module: its table, read at identity-mapped (guest-physical) addresses. */
export class VmosAwareness implements OsAwareness {
  readonly name = 'vmos';

  constructor(private readonly symbols: SymbolTable) {}

  read(mem: GuestMemory): TaskList {
    try {
      const tasks = readVmosTasks(this.symbols, (a, n) => mem.physical(a, n));
      return { tasks: tasks.map((t) => ({ pid: t.pid, name: t.name, state: t.state, cr3: t.cr3, kernelThread: false, savedRip: t.savedRip })) };
    } catch (e) {
      // A table the guest has not written yet, or garbage.
      return { tasks: [], partial: `vmos_tasks unreadable: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}
