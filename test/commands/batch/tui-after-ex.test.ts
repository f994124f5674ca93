/**
 * `vdbg -ex … --tui` (issue 14): the -x/-ex commands run first, then the TUI
 * opens on the session they set up. The TUI needs a terminal: script(1)
 * gives the child a pseudo-terminal; 'q' is typed until the TUI quits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../golden/run.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.warn('tui-after-ex: skipped, script(1) (util-linux) is not installed to give vdbg a terminal');

function strip(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '');
}

describe('-ex then the TUI', () => {
  it.skipIf(!hasScript)('runs the -ex commands, then opens the TUI stopped where they left the guest', async () => {
    const cmd = "node bin/vdbg.js -ex 'break counter_main' -ex 'continue' --tui";
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', COLUMNS: '100', LINES: '40' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const typing = setInterval(() => child.stdin.write('q'), 500);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(typing);
    const text = strip(out);
    const stop = text.indexOf('Breakpoint 1 hit: cr3=0x0000000000117000 (counter) rip=0x00000000400004a0 <counter_main>');
    expect(stop).toBeGreaterThan(0);
    // The TUI came after, with RIP at the breakpoint in its disassembly.
    expect(text.indexOf('Registers', stop)).toBeGreaterThan(stop);
    expect(text.slice(stop)).toMatch(/rip +0x00000000400004a0/);
    expect(code).toBe(0);
  }, 60_000);

  it('--tui without a terminal is a usage error', async () => {
    const r = await runCli(['-ex', 'stepi', '--tui']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('vdbg: --tui needs a terminal on stdin and stdout');
  });
});
