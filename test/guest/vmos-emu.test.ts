/**
 * vmos on the emulated backend: it runs to completion with the committed
 * transcript, byte for byte, every run; and what the guest does is visible
 * in the hypervisor (distinct CR3s, DR and XCR0/APX switching only around
 * the processes that own them).
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmuBackend } from '../../src/core/emu/backend.ts';
import { runGuest, type RunGuestResult } from '../../src/core/vmm/run-guest.ts';
import { physReader, readVmosTasks, type VmosTask } from '../../src/core/os/vmos.ts';
import { GOLDEN, golden, streams, vmosImage } from './vmos.ts';

/** Counter changes seen at each vCPU entry/exit, with the CR3 the CPU had then. */
interface Event { cr3: bigint; name: string; by: number }
const WATCHED = ['dr.intercept', 'dr.load', 'dr.save', 'dr.wont_exit', 'xcr0.write', 'apx.swap', 'xsetbv', 'vmexit.dr-access', 'vmexit.xsetbv'];

let run: RunGuestResult;
let tasks: VmosTask[];
const events: Event[] = [];
const ioCr3 = new Set<bigint>();

beforeAll(async () => {
  const b = new EmuBackend();
  let prev: Record<string, number> = {};
  run = await runGuest(b, vmosImage(), {
    keepMemory: true,
    onStart(ctx) {
      b.vcpu(ctx.vcpuFd).onTransition = (t) => {
        const now = t.vcpu.counters.snapshot();
        for (const name of WATCHED) {
          const by = (now[name] ?? 0) - (prev[name] ?? 0);
          if (by) events.push({ cr3: BigInt(t.vcpu.cpu.cr3), name, by });
        }
        prev = now;
      };
    },
    onExit(e, ctx) {
      if (e.kind === 'io' && e.port === 0x3f8) ioCr3.add(ctx.vcpu.getSregs().cr3);
    },
  });
  tasks = readVmosTasks(run.image.symbols, physReader(run.memory!));
  if (process.env.VMOS_UPDATE_GOLDEN) writeFileSync(GOLDEN, run.transcript, 'latin1');
}, 60_000);

const byName = (name: string) => tasks.filter((t) => t.name === name);
const sum = (name: string, pred: (e: Event) => boolean) => events.filter((e) => e.name === name && pred(e)).reduce((a, e) => a + e.by, 0);

describe('vmos on emu', () => {
  it('runs to completion: init writes 0 to the exit port, with the committed transcript', () => {
    expect(run.stop).toBe('exit-port');
    expect(run.status).toBe(0);
    expect(run.transcript).toBe(golden());
    expect(run.transcript).toContain('init: 6 processes reaped, all as expected\n');
  });

  it('is deterministic: a second run gives the same bytes and the same counters', async () => {
    const again = await runGuest(new EmuBackend(), vmosImage());
    expect(again.transcript).toBe(run.transcript);
    // (the first run also read SREGS at each console write: leave the ioctl and register-cache counters out)
    const hv = (c: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(c).filter(([k]) => !/^(ioctl|regs|sync)\./.test(k)));
    expect(hv(again.vcpuCounters)).toEqual(hv(run.vcpuCounters));
    expect(hv(again.vcpuCounters)['exit.io']).toBeGreaterThan(1000);
  }, 60_000);

  it('processes really have distinct CR3s (vmos_tasks, and the CR3 of each console write)', () => {
    expect(tasks.map((t) => [t.pid, t.name])).toEqual([
      [0, 'idle'], [1, 'init'], [2, 'counter'], [3, 'counter'], [4, 'watcher'], [5, 'apx'], [6, 'sleeper'], [7, 'fault'],
    ]);
    const cr3s = new Set(tasks.map((t) => t.cr3));
    expect(cr3s.size).toBe(8);
    for (const t of tasks.slice(1)) expect(t.state).toBe('exited');
    // Console writes come from the kernel and from the syscalls of every process: all under table CR3s, 7 user ones.
    // (the first kernel lines are printed before the kernel leaves the loader's page tables)
    for (const c of ioCr3) expect(cr3s.has(c) || c === run.image.state.sregs.cr3).toBe(true);
    expect(ioCr3.size).toBeGreaterThanOrEqual(7);
    // The two counters run the same code at the same virtual address, with private data.
    const c = streams(run.transcript);
    expect(c.get('counter[2]')![0]).toBe('counter[2]: counting at 0x40100010');
    expect(c.get('counter[3]')![0]).toBe('counter[3]: counting at 0x40100010');
    expect(c.get('counter[2]')!.at(-1)).toBe('counter[2]: 800000');
    expect(c.get('counter[3]')!.at(-1)).toBe('counter[3]: 800000');
    expect(byName('counter').every((t) => t.ticks > 0n)).toBe(true);
  });

  it('a user-mode fault kills only that process', () => {
    const lines = run.transcript.split('\n');
    const kill = lines.findIndex((l) => l.startsWith('vmos: fault (pid 7) killed by #PF error=0x7'));
    expect(kill).toBeGreaterThan(0);
    expect(lines[kill]).toContain('cr2=0x0000000000100000');
    expect(run.transcript).not.toContain('fault: still alive');
    // Others keep running after it and exit normally.
    expect(lines.slice(kill + 1).some((l) => l.startsWith('counter['))).toBe(true);
    expect(run.transcript).toContain('init: reaped fault (pid 7): exit 142\n');
    for (const who of ['counter (pid 2)', 'counter (pid 3)', 'watcher (pid 4)', 'apx (pid 5)', 'sleeper (pid 6)']) {
      expect(run.transcript).toContain(`init: reaped ${who}: exit 0\n`);
    }
  });

  it('watcher: the guest kernel counts its hits; DR interception drops and lazy loads happen on its switches only', () => {
    expect(run.transcript.match(/^vmos: watchpoint hit \d+ in watcher \(pid 4\)/gm)).toHaveLength(3);
    expect(run.transcript).toContain('watcher: the kernel counted 3 hits (3 expected), value 30\n');
    const watcher = byName('watcher')[0].cr3;
    // The first MOV DR after each switch into/out of watcher exits (intercepted), then interception is dropped.
    expect(sum('dr.intercept', () => true)).toBeGreaterThan(0);
    expect(sum('dr.intercept', (e) => e.cr3 !== watcher)).toBe(0);
    expect(sum('dr.wont_exit', () => true)).toBe(sum('dr.intercept', () => true));
    expect(sum('vmexit.dr-access', (e) => e.cr3 !== watcher)).toBe(0);
    // Guest DRs are loaded on entries only while watcher runs (its DR7 armed).
    expect(sum('dr.load', (e) => e.cr3 === watcher)).toBeGreaterThan(0);
    expect(sum('dr.load', (e) => e.cr3 !== watcher)).toBe(0);
    // ... and saved at the next exit, whoever runs then; every WONT_EXIT is followed by one save.
    expect(sum('dr.save', () => true)).toBe(sum('dr.wont_exit', () => true));
  });

  it('apx: XCR0 writes and R16-R31 swaps only while apx runs, its values intact across preemption', () => {
    expect(run.transcript).toContain('vmos: APX available\n');
    expect(run.transcript).toContain('apx: R16-R31 intact after 3 rounds of preemption and yields\n');
    const apx = byName('apx')[0].cr3;
    for (const name of ['xsetbv', 'vmexit.xsetbv', 'xcr0.write', 'apx.swap']) {
      expect(sum(name, (e) => e.cr3 === apx), name).toBeGreaterThan(0);
      expect(sum(name, (e) => e.cr3 !== apx), name).toBe(0);
    }
    // apx was preempted by the tick, not only by its yields.
    expect(byName('apx')[0].ticks).toBeGreaterThan(3n);
  });

  it('sleeper: sleeps whole ticks; with nothing runnable the idle task halts (HLT)', () => {
    expect(streams(run.transcript).get('sleeper')).toEqual([2, 4, 8, 16].map((t) => `sleeper: slept ${t} ticks (asked ${t})`));
    // Ticks arrived while the idle task ran (it only executes STI; HLT), and it was last left right after its HLT.
    const idle = byName('idle')[0];
    expect(idle.ticks).toBeGreaterThan(0n);
    expect(run.image.symbols.format(idle.savedRip)).toBe('idle_loop+2');
    expect(run.vmCounters['pit.tick']).toBeGreaterThanOrEqual(30);
  });
});
