/**
 * Linux awareness on the real kernel (issue 12): the bundled Linux 6.1
 * (guests/linux, committed artifacts: no build, no Debian package) boots on
 * emu once for this file, to its shell prompt; then the process table comes
 * from the kernel's own task list — checked against the pids the guest's
 * programs print on the console — and `info os`, `info processes`,
 * `break FUNC if process NAME`, `filter process NAME`, hits per process and
 * the gdb thread list all work on it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cr3Base } from '../../../src/core/os/cr3.ts';
import { ThreadMap } from '../../../src/commands/gdb/threads.ts';
import { runLine } from '../../../src/commands/lang/registry.ts';
import { formatText } from '../../../src/commands/lang/format.ts';
import { bundledLinuxOptions, Session } from '../../../src/commands/session/index.ts';
import { BUNDLED_LINUX_MEM, BUNDLED_LINUX_PROMPT } from '../../../src/core/vmm/bundled-linux.ts';
import type { ProcessRow } from '../../../src/commands/session/types.ts';
import { psRows } from '../../guest/linux.ts';

const GUEST = fileURLToPath(new URL('../../../guests/linux/', import.meta.url));
const PROMPT = BUNDLED_LINUX_PROMPT;
/** A bound far above the instructions the boot takes (docs/guest.md), so a boot that hangs fails rather than runs forever. */
const MAX_INSTRUCTIONS = 4_000_000_000;

let s: Session;
let consoleText = '';
let bootSeconds = 0;

beforeAll(async () => {
  const t0 = Date.now();
  s = await Session.open({ backend: 'emu', linux: bundledLinuxOptions(), memSize: BUNDLED_LINUX_MEM });
  s.onConsole = (t) => (consoleText += t);
  let ran = 0;
  while (!consoleText.includes(PROMPT) && ran < MAX_INSTRUCTIONS) {
    const stop = await s.runFor(50_000_000);
    if (stop.reason === 'exit' || stop.reason === 'shutdown') throw new Error(`the guest stopped booting: ${stop.reason}\n${consoleText}`);
    ran += 50_000_000;
  }
  bootSeconds = (Date.now() - t0) / 1000;
  const t1 = performance.now();
  const n = s.processes().length;
  console.log(`[linux] booted to the prompt in ${bootSeconds.toFixed(1)} s (within ${ran / 1e6} M instructions, run in 50 M steps); a table read of ${n} rows took ${(performance.now() - t1).toFixed(1)} ms`);
}, 300_000);

afterAll(async () => {
  await s?.close();
});

/** The pid a program printed on the console: `counter 1: pid 18 started`. */
function printedPid(re: RegExp): number {
  const m = re.exec(consoleText);
  if (!m) throw new Error(`no ${re} on the console:\n${consoleText}`);
  return Number(m[1]);
}

/** A command's text output (a failure throws). */
async function text(line: string): Promise<string> {
  const o = await runLine(s, line);
  if (o === null || o.result.kind === 'error') throw new Error(`${line}: ${o === null ? 'nothing' : formatText(o.result)}`);
  return formatText(o.result);
}

/** `s` as a literal in a RegExp. */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const byName = (name: string): ProcessRow[] => s.processes().filter((p) => p.name === name);

describe('the bundled Linux on emu: the process table from init_task.tasks', () => {
  it('boots to the shell prompt', () => {
    expect(existsSync(`${GUEST}linux-offsets.json`)).toBe(true);
    expect(consoleText).toContain(PROMPT);
  });

  it('info os: the linux module, from System.map and linux-offsets.json, a full read', async () => {
    expect(s.osInfo()).toMatchObject({ module: 'linux', why: expect.stringMatching(/^linux: init_task from .*System\.map, task_struct offsets from .*linux-offsets\.json \(kernel 6\.1\.176\)$/) });
    expect(s.osInfo().partial).toBeUndefined();
    const out = await text('info os');
    expect(out).toMatch(/^Module +linux$/m);
  });

  it('init is pid 1, the shell and the two counters have the pids they print and distinct CR3s', () => {
    const [init] = byName('init');
    expect(init).toMatchObject({ pid: 1, ppid: 0 });
    expect(init.kernelThread).toBeUndefined();
    expect(init.cr3).toBeDefined();
    const counters = byName('counter');
    expect(counters.map((c) => c.pid).sort((a, b) => a! - b!)).toEqual([printedPid(/counter 1: pid (\d+) started/), printedPid(/counter 2: pid (\d+) started/)].sort((a, b) => a - b));
    expect(counters.every((c) => c.ppid === 1 && c.cr3 !== undefined && c.state === 'S')).toBe(true);
    const sh = byName('sh');
    expect(sh).toHaveLength(1);
    expect(byName('ssework')[0]?.pid).toBe(printedPid(/ssework: pid (\d+) started/));
    const cr3s = [init, ...counters, ...sh].map((p) => p.cr3);
    expect(new Set(cr3s).size).toBe(cr3s.length);
  });

  it('agrees with the guest\'s own ps: the same pids, comm names, [kernel threads]', async () => {
    // Typed at COM1's receiver as a user would (console-send), then on until the prompt comes back.
    const before = consoleText.length;
    s.consoleSend(Buffer.from('ps\n', 'latin1'));
    const back = await s.contUntilConsole(PROMPT);
    expect(back.reason).toBe('console');
    // Without ps itself (`{ps} sh`: ash forks it; it has exited when the prompt is back).
    const ps = psRows(consoleText.slice(before)).filter((r) => !/^\{ps\} |^ps$/.test(r.command));
    expect(ps.length).toBeGreaterThan(10);
    const table = new Map(s.processes().filter((p) => p.pid !== undefined && p.pid > 0).map((p) => [p.pid!, p]));
    // ps reads /proc: pid 0 is not there; ours has the idle task too.
    expect([...table.keys()].sort((a, b) => a - b)).toEqual(ps.map((r) => r.pid).sort((a, b) => a - b));
    for (const r of ps) {
      const row = table.get(r.pid)!;
      // A kworker's /proc name adds its current workqueue (`[kworker/0:0-events]`: wq_worker_comm(), via proc_task_name()); task->comm has none.
      if (r.command.startsWith('[')) expect(r.command, `pid ${r.pid}`).toMatch(new RegExp(`^\\[${escape(row.name!)}([-+][^\\]]*)?\\]$`));
      // busybox ps shows argv, or `{comm} argv` when comm is not argv[0]'s name.
      else expect(r.command, `pid ${r.pid}`).toMatch(new RegExp(`^(\\{${escape(row.name!)}\\} |(/bin/)?${escape(row.name!)}( |$))`));
      expect(row.kernelThread ?? false, `pid ${r.pid}`).toBe(r.command.startsWith('['));
    }
  }, 300_000);

  it('kernel threads are flagged, have no CR3, and show as [name]; the idle task owns the kernel\'s page tables', async () => {
    const [kthreadd] = byName('kthreadd');
    expect(kthreadd).toMatchObject({ pid: 2, kernelThread: true });
    expect(kthreadd.cr3).toBeUndefined();
    expect(s.processes().filter((p) => p.kernelThread && p.pid !== 0).every((p) => p.cr3 === undefined && p.ppid === 2 || p.pid === 2)).toBe(true);
    const [swapper] = byName('swapper');
    expect(swapper).toMatchObject({ pid: 0, kernelThread: true });
    expect(swapper.cr3).toBeDefined();
    const out = await text('info processes');
    expect(out).toMatch(/^ +CR3 +PID +PPID +Name +State /m);
    expect(out).toMatch(/^ +2 +0 +\[kthreadd\] +S /m); // no CR3: an empty cell (null in JSON)
    expect(out).toMatch(/^ *\S* *0x[0-9a-f]{16} +1 +0 +init +S /m);
  });

  it('break FUNC if process counter stops only in a counter; hits per process; filter process; gdb threads', async () => {
    const counters = byName('counter');
    await text('break do_syscall_64 if process counter');
    const first = await s.cont(1);
    expect(first).toMatchObject({ reason: 'breakpoint', process: 'counter' });
    // The kernel runs with PCIDs: the stop's CR3 has the PCID in bits 11:0, the table the page-table base.
    expect(counters.map((c) => c.cr3)).toContain(cr3Base(first.cr3));
    const second = await s.cont(1);
    expect(second).toMatchObject({ reason: 'breakpoint', process: 'counter' });
    expect(s.processes().filter((p) => p.name === 'counter').reduce((n, p) => n + p.hits, 0)).toBe(2);
    await text('delete');

    // filter process NAME: every other process's events are resumed and counted as skipped.
    await text('break do_syscall_64');
    await text('filter process ssework');
    const third = await s.cont(1);
    expect(third).toMatchObject({ reason: 'breakpoint', process: 'ssework' });
    expect(cr3Base(third.cr3)).toBe(byName('ssework')[0].cr3);
    // filter cr3 BASE as info processes shows it: events carry the PCID in CR3 bits 11:0 and still match.
    const counter = byName('counter')[0];
    await text(`filter cr3 0x${counter.cr3!.toString(16)}`);
    const fourth = await s.cont(1);
    expect(fourth).toMatchObject({ reason: 'breakpoint', process: 'counter' });
    expect(fourth.cr3).not.toBe(counter.cr3);
    expect(cr3Base(fourth.cr3)).toBe(counter.cr3);
    await text('filter off');
    await text('delete');

    const threads = new ThreadMap(s).list();
    expect(threads.filter((t) => t.name === 'counter').map((t) => t.tid).sort()).toEqual(counters.map((c) => c.pid! + 1).sort());
    expect(threads.some((t) => t.name === 'kthreadd')).toBe(false);
    // The thread on the vCPU: the counter of the last stop (its CR3 has a PCID; the thread's is the base).
    expect(threads.find((t) => t.current)).toMatchObject({ name: 'counter', tid: counter.pid! + 1, cr3: counter.cr3 });
  }, 120_000);
});
