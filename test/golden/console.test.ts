/**
 * The debugger's hit log and process table agree with what the guest itself
 * prints on its console (docs/guest.md): init's "started NAME as pid N"
 * lines, the kernel's "watchpoint hit N in watcher (pid P): rip=R dr6=D"
 * lines for watcher's own guest watchpoint, watcher's own count, and the
 * fault line naming the killed pid. Two scripts through batch mode with
 * --json: A lets the guest watch `watched` itself (software breakpoints
 * only), B watches it from the host.
 */
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/commands/batch.ts';
import { Session } from '../../src/commands/session/index.ts';

type Line = { console?: string; cmd?: string; ok?: boolean; result?: Record<string, unknown> };

async function jsonRun(lines: string[]): Promise<{ console: string; results: Line[] }> {
  const session = await Session.open({ backend: 'emu', image: 'vmos' });
  let out = '';
  try {
    const res = await runBatch({ session, sources: [{ name: 't.vdbg', lines }], json: true, write: (t) => (out += t) });
    expect(res.exitCode).toBe(0);
  } finally {
    await session.close();
  }
  const parsed = out.trim().split('\n').map((l) => JSON.parse(l) as Line);
  return { console: parsed.map((l) => l.console ?? '').join(''), results: parsed.filter((l) => l.cmd !== undefined) };
}

const rows = (l: Line) => l.result!.rows as Record<string, string | number | null>[];

describe('hit log and process table vs the guest console', () => {
  it("the guest's own watchpoint hits (rip, dr6, pid) and count equal the host watchpoint's hit log; pids and names equal init's", async () => {
    // A: the guest watches `watched` itself; the debugger only uses INT3 (the DRs stay the guest's)
    const a = await jsonRun(['break watcher_main+145', 'continue', 'info processes']);
    const guestHits = [...a.console.matchAll(/vmos: watchpoint hit (\d+) in watcher \(pid (\d+)\): rip=(0x[0-9a-f]+) dr6=(0x[0-9a-f]+)/g)].map((m) => ({
      n: Number(m[1]), pid: Number(m[2]), rip: BigInt(m[3]), dr6: BigInt(m[4]),
    }));
    expect(guestHits.map((h) => h.n)).toEqual([1, 2, 3]);
    expect(a.console).toContain('watcher: the kernel counted 3 hits (3 expected), value 30');
    const procsA = rows(a.results[2]);

    // B: the same variable watched from the host (DR0 taken by the debugger)
    const b = await jsonRun(['watch watched len 4 write', 'continue 3', 'info hits', 'info processes', 'info breakpoints']);
    const hostHits = rows(b.results[2]);
    expect(b.results[2].result!.total).toBe(guestHits.length);
    expect(rows(b.results[4])[0].hits).toBe(3);
    expect(hostHits.map((h) => BigInt(h.rip as string))).toEqual(guestHits.map((h) => h.rip));
    expect(hostHits.map((h) => BigInt(h.dr6 as string))).toEqual(guestHits.map((h) => h.dr6));
    expect(hostHits.every((h) => h.exception === 1 && h.bp === 1 && h.process === 'watcher')).toBe(true);
    // the CR3 of every host hit is the process the guest names by pid, in both runs' tables
    for (const procs of [procsA, rows(b.results[3])]) {
      const watcher = procs.find((p) => p.pid === guestHits[0].pid)!;
      expect(watcher.name).toBe('watcher');
      expect(hostHits.every((h) => h.cr3 === watcher.cr3)).toBe(true);
    }

    // init's own account of the pids, and the kernel's of the fault it killed
    const started = [...a.console.matchAll(/init: started (\w+) as pid (\d+)/g)].map((m) => ({ pid: Number(m[2]), name: m[1] }));
    expect(started.length).toBe(6);
    const table = procsA.filter((p) => p.pid !== null).map((p) => ({ pid: p.pid, name: p.name }));
    expect(table).toEqual([{ pid: 0, name: 'idle' }, { pid: 1, name: 'init' }, ...started]);
    const killed = /vmos: fault \(pid (\d+)\) killed/.exec(a.console);
    expect(procsA.find((p) => p.pid === Number(killed![1]))).toMatchObject({ name: 'fault', state: 'exited' });
    // every CR3 in the table is distinct, and the current one is watcher's (the stop was in watcher)
    expect(new Set(procsA.map((p) => p.cr3)).size).toBe(procsA.length);
    expect(procsA.find((p) => p.current === '*')?.name).toBe('watcher');
  });
});
