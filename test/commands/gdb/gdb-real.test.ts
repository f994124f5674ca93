/**
 * The real gdb against vdbg's server on vmos (emu backend): attach, the
 * register file, breakpoints on user functions (symbols from the vmos ELF),
 * processes as threads, memory through another process's CR3, watchpoints,
 * stepi, writes, monitor, interrupt, detach and kill. Each gdb run is
 * `gdb -batch` with a bounded timeout; the session goes on between runs
 * (gdb detaches at the end of a batch run: qAttached says 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GdbServer } from '../../../src/commands/gdb/server.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { closeEmuServer, gdbSkipReason, openEmuServer, runGdb } from './gdb-binary.ts';

/** gdb python: switch to the gdb thread whose remote thread id (pid + 1) is `tid`. */
const selectTid = (tid: number) =>
  `python [gdb.execute('thread %d' % t.num) for t in gdb.selected_inferior().threads() if t.ptid[1] == ${tid}]`;
/** gdb python: SIGINT to gdb itself after `sec` seconds (what Ctrl-C does): gdb sends 0x03. */
const ctrlCAfter = (sec: number) => `python import threading, os, signal; threading.Timer(${sec}, lambda: os.kill(os.getpid(), signal.SIGINT)).start()`;

describe.skipIf(gdbSkipReason !== null)('the real gdb against vdbg (emu, vmos)', () => {
  let s: Session;
  let server: GdbServer;
  let count: bigint;

  beforeAll(async () => {
    ({ s, server } = await openEmuServer());
    count = s.symbols.address('count');
  });
  afterAll(() => closeEmuServer(s, server));

  it('attaches at the entry point and shows the register file with segment and control registers', async () => {
    const out = await runGdb(server.port, ['info registers', 'p/x $xmm0.uint128', 'p/x $fctrl', 'p/x $ftag', 'p/x (int)$mxcsr', 'info threads', 'p $pc']);
    expect(out).toMatch(/^rip +0x100000 +0x100000 <_start>$/m);
    expect(out).toMatch(/^rsp +0x10000 +0x10000$/m);
    expect(out).toMatch(/^eflags +0x2 +\[ \]$/m);
    expect(out).toMatch(/^cs +0x8 +8$/m);
    expect(out).toMatch(/^ss +0x10 +16$/m);
    expect(out).toMatch(/^fs_base +0x0 +0$/m);
    expect(out).toMatch(/^cr0 +0x80010033 +\[ PE MP ET NE WP PG \]$/m);
    expect(out).toMatch(/^cr3 +0x3000 +12288$/m);
    expect(out).toMatch(/^efer +0xd01 +\[ SCE LME LMA NXE \]$/m);
    // x87/SSE as the session reads them (KVM_GET_XSAVE2's legacy region).
    const fpu = s.fpuRegisters()!;
    expect(out).toContain(`$1 = 0x${fpu.xmm0.toString(16)}\n`);
    expect(out).toContain(`$2 = 0x${fpu.fctrl.toString(16)}\n`);
    expect(out).toContain(`$3 = 0x${fpu.ftag.toString(16)}\n`);
    expect(out).toContain(`$4 = 0x${fpu.mxcsr.toString(16)}\n`);
    expect(out).toMatch(/\* 1 +Thread 65536 \(cr3 0x3000\) 0x0+100000 in _start \(\)/);
    expect(out).toMatch(/\[Inferior 1 \(Remote target\) detached\]/);
    expect(s.breakpoints()).toEqual([]);
  });

  it('breaks on a user function, lists processes as threads, steps, and reads the code', async () => {
    const out = await runGdb(server.port, ['break counter_main', 'continue', 'info threads', 'x/2i $pc', 'stepi', 'p $pc', 'p/x $cr3']);
    expect(out).toMatch(/Breakpoint 1 at 0x400004a0/);
    expect(out).toMatch(/Thread \d+ hit Breakpoint 1, 0x0+400004a0 in counter_main \(\)/);
    for (const [name, pid, cr3, state] of [
      ['idle', 0, '0x108000', 'runnable'], ['init', 1, '0x10c000', 'runnable'], ['counter', 2, '0x117000', 'running'],
      ['counter', 3, '0x122000', 'runnable'], ['watcher', 4, '0x12d000', 'runnable'], ['apx', 5, '0x138000', 'runnable'], ['sleeper', 6, '0x143000', 'runnable'],
    ] as const) {
      expect(out).toContain(`Thread ${pid + 1} (${name} pid ${pid} cr3 ${cr3} ${state})`);
    }
    expect(out).toMatch(/^\* \d+ +Thread 3 \(counter pid 2 cr3 0x117000 running\) +0x0+400004a0 in counter_main \(\)$/m);
    // Parked processes show where they resume (vmos's saved_rip).
    expect(out).toMatch(/Thread 5 \(watcher pid 4 cr3 0x12d000 runnable\) +0x0+40000570 in watcher_main \(\)/);
    expect(out).toMatch(/=> 0x400004a0 <counter_main>:\txor +%edx,%edx/);
    expect(out).toMatch(/0x0+400004a2 in counter_main \(\)/);
    expect(out).toMatch(/= \(void \(\*\)\(\)\) 0x400004a2 <counter_main\+2>/);
    expect(out).toMatch(/= 0x117000/);
    expect(s.registers().rip).toBe(0x400004a2n);
    expect(s.breakpoints()).toEqual([]); // gdb took its breakpoint out when it detached
  });

  it('watches a variable (write, read, access) and writes memory and registers', async () => {
    const out = await runGdb(server.port, [
      'watch *(long*)&count', 'continue', 'continue', 'delete',
      'rwatch *(long*)&count', 'continue', 'delete',
      'awatch *(long*)&count', 'continue', 'delete',
      'set var *(long*)&count = 41', 'p *(long*)&count', 'set $rbx = 0x1234', 'p/x $rbx',
    ]);
    expect(out).toMatch(/Hardware watchpoint 1: \*\(long\*\)&count/);
    expect(out).toMatch(/Thread \d+ hit Hardware watchpoint 1: \*\(long\*\)&count\s+Old value = 0\s+New value = 1/);
    expect(out).toMatch(/Old value = 1\s+New value = 2/);
    expect(out).toMatch(/Hardware read watchpoint 2: \*\(long\*\)&count/);
    expect(out).toMatch(/Thread \d+ hit Hardware read watchpoint 2: \*\(long\*\)&count\s+Value = \d+/);
    expect(out).toMatch(/Hardware access \(read\/write\) watchpoint 3: \*\(long\*\)&count/);
    expect(out).toMatch(/Thread \d+ hit Hardware access \(read\/write\) watchpoint 3: \*\(long\*\)&count\s+Value = \d+/);
    expect(out).toMatch(/\$1 = 41/);
    expect(out).toMatch(/\$2 = 0x1234/);
    expect(new DataView(s.readVirtual(count, 8).slice().buffer).getBigUint64(0, true)).toBe(41n);
    expect(s.registers().rbx).toBe(0x1234n);
  });

  it('reads another process\'s memory through its CR3 when its thread is selected', async () => {
    const cr3 = s.registers().cr3;
    const other = cr3 === 0x117000n ? { tid: 4, cr3: 0x122000n } : { tid: 3, cr3: 0x117000n };
    const mine = new DataView(s.readVirtual(count, 8).slice().buffer).getBigUint64(0, true);
    const theirs = new DataView(s.readVirtual(count, 8, other.cr3).slice().buffer).getBigUint64(0, true);
    expect(mine).not.toBe(theirs);
    const out = await runGdb(server.port, ['p *(long*)&count', selectTid(other.tid), 'p *(long*)&count', 'p/x $cr3', 'p $rax']);
    expect(out).toContain(`$1 = ${mine}`);
    expect(out).toMatch(new RegExp(`\\[Switching to thread \\d+ \\(Thread ${other.tid}\\)\\]`));
    expect(out).toContain(`$2 = ${theirs}`);
    expect(out).toContain(`$3 = 0x${other.cr3.toString(16)}`);
    expect(out).toContain('$4 = <unavailable>');
  });

  it('passes monitor commands to vdbg\'s command language', async () => {
    const out = await runGdb(server.port, ['monitor info processes', 'monitor hbreak watcher_main', 'monitor info breakpoints', 'monitor frobnicate']);
    expect(out).toMatch(/CR3 +PID +Name +State/);
    expect(out).toMatch(/0x0000000000117000 +2 +counter/);
    expect(out).toMatch(/Hardware breakpoint \d+ at 0x0*40000570 <watcher_main>/);
    expect(out).toMatch(/error: unknown command 'frobnicate'/);
    expect(s.breakpoints().map((b) => [b.kind, b.location])).toEqual([['hbreak', 'watcher_main']]);
    s.deleteBreakpoint();
  });

  it('stops a continue on Ctrl-C (0x03) and reports SIGINT', async () => {
    const out = await runGdb(server.port, [ctrlCAfter(1), 'continue', 'p $pc']);
    expect(out).toMatch(/received signal SIGINT, Interrupt\./);
    expect(s.lastStop?.reason).toBe('interrupted');
  });

  it('kills: gdb reports it, the server ends that connection and goes on listening', async () => {
    const end = server.nextEnd();
    // trap(): the kernel's entry for every exception, interrupt and syscall — hit whatever the guest is doing.
    const trap = s.symbols.address('trap');
    const out = await runGdb(server.port, ['hbreak trap', 'continue', 'kill']);
    expect(out).toContain(`Hardware assisted breakpoint 1 at 0x${trap.toString(16)}`);
    expect(out).toMatch(new RegExp(`hit Breakpoint 1, 0x0+${trap.toString(16)} in trap \\(\\)`));
    expect(out).toMatch(/\[Inferior 1 \(Remote target\) killed\]/);
    expect(await end).toBe('kill');
    expect(s.breakpoints()).toEqual([]);
    expect(s.registers().rip).toBe(trap);
  });
});

describe.skipIf(gdbSkipReason !== null)('per-process breakpoints with the real gdb (emu, vmos)', () => {
  let s: Session;
  let server: GdbServer;

  beforeAll(async () => ({ s, server } = await openEmuServer()));
  afterAll(() => closeEmuServer(s, server));

  it('narrows gdb\'s breakpoints to one process: vdbg\'s filter (in the server) or gdb\'s `thread N` (in gdb)', async () => {
    // syscall(): the kernel's handler, run by every process. First run to the second counter, so all processes exist.
    const out = await runGdb(server.port, [
      'break counter_main', 'continue', 'continue', 'delete',
      'monitor filter cr3 0x117000', 'break syscall', 'continue', 'p/x $cr3', 'continue', 'p/x $cr3', 'monitor filter off', 'delete',
      `python gdb.execute('break syscall thread %d' % [t.num for t in gdb.selected_inferior().threads() if t.ptid[1] == 4][0])`,
      'continue', 'p/x $cr3', 'continue', 'p/x $cr3',
    ]);
    expect(out).toMatch(/Filter: cr3 == 0x0000000000117000\./);
    // Filtered in the server: every stop of gdb's breakpoint is in counter pid 2 (thread 3), other processes' syscalls skipped.
    expect(out).toMatch(/\$1 = 0x117000[\s\S]*\$2 = 0x117000/);
    expect(s.counters()['filter.skipped']).toBeGreaterThan(0);
    // gdb's own thread-specific breakpoint: gdb resumes the other processes' hits itself.
    expect(out).toMatch(/Breakpoint 3 at 0x[0-9a-f]+/);
    expect(out).toMatch(/\$3 = 0x122000[\s\S]*\$4 = 0x122000/);
  });
});
