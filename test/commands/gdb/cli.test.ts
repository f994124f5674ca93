/**
 * `vdbg --gdb [HOST:]PORT` headless (batch mode): the script runs, then the
 * server serves one gdb until it detaches or kills, then vdbg exits. Also
 * the `gdbserver` command in a script, and --gdb's usage errors.
 */
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { gdbSkipReason, runGdb } from './gdb-binary.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

function vdbg(args: string[]): ResultPromise<{ cwd: string; reject: false; timeout: number; stdin: 'ignore' }> {
  return execa('node', ['bin/vdbg.js', ...args], { cwd: ROOT, reject: false, timeout: 90_000, stdin: 'ignore' });
}

/** The port vdbg says it listens on (its stderr log line, or the gdbserver command's output on stdout). */
async function listeningPort(child: ReturnType<typeof vdbg>, stream: 'stdout' | 'stderr'): Promise<number> {
  let text = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`vdbg did not say where it listens: ${text}`)), 60_000);
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m !== null) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
}

describe.skipIf(gdbSkipReason !== null)('vdbg --gdb in batch mode, with the real gdb', () => {
  it('runs the script, serves gdb (vdbg\'s own breakpoint stops gdb\'s continue), exits when gdb detaches', async () => {
    const child = vdbg(['--gdb', '127.0.0.1:0', '-ex', 'break counter_main', '-ex', 'continue']);
    const port = await listeningPort(child, 'stderr');
    const out = await runGdb(port, ['info registers rip', 'continue', 'info registers rip', 'p/x $cr3', 'detach']);
    const r = await child;
    expect(r.exitCode).toBe(0);
    // The script's stop, then the guest's console while gdb ran it (the second counter starts: it printed its first line).
    expect(r.stdout).toMatch(/^Breakpoint 1 hit: cr3=0x0000000000117000 \(counter\) rip=0x00000000400004a0 <counter_main>$/m);
    expect(r.stdout).toMatch(/^counter\[2\]: counting at 0x40100010$/m);
    expect(out).toMatch(/^rip +0x400004a0 +0x400004a0 <counter_main>$/m);
    // vdbg's breakpoint 1 stops gdb's continue in the other counter: gdb, with no breakpoint there, sees a SIGTRAP.
    expect(out).toMatch(/received signal SIGTRAP/);
    expect(out).toMatch(/= 0x122000/);
    expect(r.stderr).toMatch(/vdbg: gdb server listening on 127\.0\.0\.1:\d+ \(in gdb: target remote 127\.0\.0\.1:\d+\)\nvdbg: gdb connected from 127\.0\.0\.1:\d+\nvdbg: gdb detached$/); // (execa strips the final newline)
  });

  it('serves after a script that started the server itself (gdbserver), until gdb kills', async () => {
    const child = vdbg(['-ex', 'gdbserver 127.0.0.1:0', '-ex', 'gdbserver']);
    const port = await listeningPort(child, 'stdout');
    const out = await runGdb(port, ['p $pc', 'kill']);
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^gdb server listening on 127\.0\.0\.1:(\d+) \(in gdb: target remote 127\.0\.0\.1:\1\)\.\ngdb server on 127\.0\.0\.1:\1, no gdb connected\.$/m);
    expect(out).toMatch(/\$1 = \(void \(\*\)\(\)\) 0x100000 <_start>/);
    expect(out).toMatch(/\[Inferior 1 \(Remote target\) killed\]/);
  });
});

describe('--gdb and gdbserver usage', () => {
  it('refuses a bad address as a usage error (exit 2), before opening anything', async () => {
    const r = await vdbg(['--gdb', 'localhost:99999', '-ex', 'echo never']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("vdbg: --gdb: bad port 99999: 0–65535");
    expect(r.stdout).toBe('');
  });

  it('gdbserver refuses a bad address and reports no server', async () => {
    const r = await vdbg(['--keep-going', '-ex', 'gdbserver', '-ex', 'gdbserver 1:2:3', '-ex', 'gdbserver stop']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      "No gdb server (gdbserver [HOST:]PORT starts one).\n-ex:2: bad address '1:2:3': [HOST:]PORT, e.g. 1234 or 127.0.0.1:1234\n-ex:3: no gdb server is running",
    );
  });
});
