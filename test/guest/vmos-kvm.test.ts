/**
 * vmos on real KVM: the same image runs unchanged, and its transcript
 * matches emu's committed one process by process, apart from the lines that
 * legitimately differ (printed, with the reason, on every run):
 *
 * - the interleaving of different processes' lines: preemption follows the
 *   wall-clock PIT there, retired instructions on emu;
 * - `vmos: APX ...` and the apx program: the host CPU has no APX, so apx skips itself;
 * - `vmos: init exited with N after T ticks`: T is wall-clock time;
 * - on kvm_pvm, `vmos: SYSCALL arrived at CPL 3 ...`: SYSCALL from CPL 3 enters
 *   LSTAR without switching to CPL 0, the kernel handles it from the #PF;
 * - on kvm_pvm, the watchpoint lines: guest-owned DR0/DR7 breakpoints never
 *   fire for CPL 3 code there (the MOV DRs are accepted and read back), so
 *   watcher counts 0 hits, exits 1 and init reports it (exit status 1).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KvmBackend } from '../../src/core/kvm/backend.ts';
import { kvmHost } from '../../src/core/kvm/host.ts';
import { runGuest, type RunGuestResult } from '../../src/core/vmm/run-guest.ts';
import { physReader, readVmosTasks } from '../../src/core/os/vmos.ts';
import { kvmSkipReason } from '../core/kvm/available.ts';
import { golden, streams, TINY_BIN, vmosImage } from './vmos.ts';

const skip = kvmSkipReason('vmos on /dev/kvm');
const host = kvmHost();

/** A line that may differ between emu and this host, and why; undefined when it must match. */
function why(line: string, kvm: string): string | undefined {
  if (/^vmos: APX /.test(line) || line.startsWith('apx:')) {
    return kvm.includes('vmos: APX not available') ? 'the host CPU has no APX: apx skips itself' : undefined;
  }
  if (/^vmos: init exited with \d+ after \d+ ticks/.test(line)) return 'ticks are wall-clock time on KVM';
  if (line.startsWith('vmos: SYSCALL arrived at CPL 3')) return 'SYSCALL from CPL 3 does not reach CPL 0 (kvm_pvm): handled from the #PF at LSTAR';
  if (kvm.includes('watcher: the kernel counted 0 hits')) {
    if (line.startsWith('vmos: watchpoint hit') || line.startsWith('watcher: the kernel counted') || /^init: reaped watcher /.test(line) || /^init: 6 processes reaped/.test(line)) {
      return 'guest-owned DR0/DR7 breakpoints do not fire for CPL 3 code on this host';
    }
  }
  return undefined;
}

describe.skipIf(skip !== undefined)(`vmos on /dev/kvm (${host.modules.join(', ') || 'no vendor module seen'})`, () => {
  let run: RunGuestResult;
  beforeAll(async () => {
    run = await runGuest(new KvmBackend(), vmosImage(), { keepMemory: true, timeoutMs: 60_000 });
  }, 90_000);

  it('runs to the exit port', () => {
    expect(run.stop, `${run.detail}\n${run.transcript}`).toBe('exit-port');
    expect(run.transcript).toContain('init: reaped fault (pid 7): exit 142\n');
    const hitsWork = !run.transcript.includes('watcher: the kernel counted 0 hits');
    if (!hitsWork) {
      console.warn('[differs] vmos on kvm: guest-owned watchpoints do not fire for CPL 3 code on this host; watcher exits 1, so the guest exits with 1');
    }
    expect(run.status).toBe(hitsWork ? 0 : 1);
    // Whatever fails, it is only watcher, for that reason.
    const unexpected = run.transcript.split('\n').filter((l) => l.endsWith('UNEXPECTED'));
    expect(unexpected).toEqual(hitsWork ? [] : ['init: reaped watcher (pid 4): exit 1 UNEXPECTED']);
  });

  it("matches emu's transcript process by process, apart from the lines that legitimately differ", () => {
    const emu = streams(golden()), kvm = streams(run.transcript);
    const reasons = new Map<string, string[]>();
    const keep = (lines: string[] | undefined) =>
      (lines ?? []).filter((l) => {
        const r = why(l, run.transcript);
        if (r !== undefined) reasons.set(r, [...(reasons.get(r) ?? []), l]);
        return r === undefined;
      });
    const who = new Set([...emu.keys(), ...kvm.keys()]);
    for (const w of who) expect(keep(kvm.get(w)), `lines of '${w}'`).toEqual(keep(emu.get(w)));
    const report = [...reasons].map(([r, ls]) => `  ${r}:\n${[...new Set(ls)].map((l) => `    ${l}`).join('\n')}`).join('\n');
    console.warn(`[differs] vmos emu vs kvm, lines left out of the comparison (emu's and kvm's):\n${report}`);
    // The interleaving differs (wall-clock preemption), so compare the line multiset too.
    const allKept = (t: string) => t.split('\n').filter((l) => l !== '' && why(l, run.transcript) === undefined).sort();
    expect(allKept(run.transcript)).toEqual(allKept(golden()));
  });

  it('processes have distinct CR3s here too', () => {
    const tasks = readVmosTasks(run.image.symbols, physReader(run.memory!));
    expect(tasks.map((t) => t.name)).toEqual(['idle', 'init', 'counter', 'counter', 'watcher', 'apx', 'sleeper', 'fault']);
    expect(new Set(tasks.map((t) => t.cr3)).size).toBe(8);
  });
});

describe.skipIf(skip !== undefined)('tiny (raw) on /dev/kvm', () => {
  it('prints, sums and halts as on emu', async () => {
    const r = await runGuest(new KvmBackend(), { kind: 'raw', bytes: new Uint8Array(readFileSync(TINY_BIN)), gpa: 0x10000 }, { timeoutMs: 20_000 });
    expect(r.transcript).toBe('tiny: hello\ntiny: sum 1..10 = 55\n');
    expect([r.stop, r.regs.rax]).toEqual(['hlt', 55n]);
  }, 30_000);
});
