/**
 * Batch mode and the CLI (commands.md "Invocation"): the runner in-process
 * (console buffering, output switching, errors with file:line, keep-going,
 * quit, the exit port) and the real CLI as a child process (flags, exit
 * codes 0/1/2, stdin, -x/-ex order, --console, Ctrl-C).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ConsoleSink, runBatch, scriptLines } from '../../../src/commands/batch.ts';
import { preParse } from '../../../src/commands/cli-args.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { SAME_PRESS_MS } from '../../../src/commands/signals.ts';
import { ROOT, runCli } from '../../golden/run.ts';

async function batch(lines: string[], opts: { json?: boolean; keepGoing?: boolean; consoleFile?: string } = {}) {
  const session = await Session.open({ backend: 'emu', image: 'vmos' });
  let out = '';
  try {
    const res = await runBatch({ session, sources: [{ name: 's.vdbg', lines }], write: (t) => (out += t), ...opts });
    return { out, res };
  } finally {
    await session.close();
  }
}

describe('batch runner', () => {
  it('console: whole lines as produced, a partial line at the end, JSON chunks per line', () => {
    let out = '';
    let json = false;
    const sink = new ConsoleSink((t) => (out += t), () => json);
    for (const c of 'ab\ncd') sink.add(c);
    expect(out).toBe('ab\n');
    json = true;
    sink.add('e\nf');
    expect(out).toBe('ab\n{"console":"cde\\n"}\n');
    sink.close();
    expect(out).toBe('ab\n{"console":"cde\\n"}\n{"console":"f"}\n');
  });

  it('scriptLines: CRLF and a final newline', () => {
    expect(scriptLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(scriptLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(scriptLines('')).toEqual([]);
  });

  it('errors name file:line with the suggestion; the first failure stops the run with 1', async () => {
    const { out, res } = await batch(['# comment', '', 'stpi', 'echo never']);
    expect(out).toBe("s.vdbg:3: unknown command 'stpi' (did you mean 'stepi'?)\n");
    expect(res).toEqual({ exitCode: 1, commands: 1, failures: 1, quit: false });
  });

  it('--keep-going runs every line and still exits 1', async () => {
    const { out, res } = await batch(['stpi', 'echo after', 'print nosuch', 'echo end'], { keepGoing: true });
    expect(out.split('\n')).toEqual([
      "s.vdbg:1: unknown command 'stpi' (did you mean 'stepi'?)",
      'after',
      "s.vdbg:3: no symbol 'nosuch' in the image",
      'end',
      '',
    ]);
    expect(res.exitCode).toBe(1);
    expect(res.failures).toBe(2);
  });

  it('set output json switches mid-script (its own line already JSON); errors carry line, code and hint', async () => {
    const { out } = await batch(['echo one', 'set output json', 'stepi', 'stpi', 'set output text', 'echo two'], { keepGoing: true });
    const lines = out.split('\n');
    expect(lines[0]).toBe('one');
    expect(JSON.parse(lines[1])).toEqual({ cmd: 'set output', ok: true, result: { output: 'json' } });
    expect(JSON.parse(lines[2])).toMatchObject({ cmd: 'stepi', ok: true, result: { reason: 'step', cr3: '0x0000000000003000', rip: '0x0000000000100002', symbol: '_start+2' } });
    expect(JSON.parse(lines[3])).toEqual({ cmd: 'stpi', ok: false, error: "unknown command 'stpi'", line: 4, code: 'unknown-command', hint: "did you mean 'stepi'?" });
    expect(lines.slice(4)).toEqual(['Output format is text.', 'two', '']);
  });

  it('quit ends the run (status 0); the console lines land between the command outputs in order', async () => {
    const { out, res } = await batch(['break counter_main', 'continue', 'quit', 'echo never']);
    expect(res).toEqual({ exitCode: 0, commands: 3, failures: 0, quit: true });
    const lines = out.split('\n');
    expect(lines[0]).toBe('Breakpoint 1 at 0x00000000400004a0 <counter_main>');
    expect(lines[1]).toBe('vmos: booting, 64 MiB RAM, image 0x0000000000100000-0x0000000000106018');
    expect(lines.at(-2)).toMatch(/^Breakpoint 1 hit: cr3=0x0000000000117000 \(counter\) rip=0x00000000400004a0 <counter_main>$/);
    expect(out).not.toContain('never');
  });

  it('a guest that writes the exit port: "Guest exited with status N" / {"reason":"exit","status":N}', async () => {
    const text = await batch(['continue', 'continue'], { keepGoing: true });
    expect(text.out).toContain('vmos: init exited with 0 after 36 ticks; halting\nGuest exited with status 0\n');
    expect(text.out).toMatch(/s\.vdbg:2: the guest has exited/);
    const json = await batch(['continue'], { json: true });
    const lines = json.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1).every((o) => typeof o.console === 'string' && (o.console as string).endsWith('\n'))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ cmd: 'continue', ok: true, result: { reason: 'exit', status: 0 } });
  });

  it('--console FILE: the guest console goes to the file, the transcript keeps only command output', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vdbg-')), 'console.txt');
    const { out } = await batch(['hbreak fault_main', 'continue'], { consoleFile: file });
    expect(out).toBe('Hardware breakpoint 1 at 0x00000000400007a0 <fault_main> (DR0)\nBreakpoint 1 hit: cr3=0x000000000014e000 (fault) rip=0x00000000400007a0 <fault_main>\n');
    expect(readFileSync(file, 'utf8')).toContain('init: started fault as pid 7\n');
  });

  it('--console FILE that cannot take the output (a full disk): the command fails with one line in our words', async () => {
    // /dev/full: every write fails with ENOSPC (Node's text leaked: "ENOSPC: no space left on device, write")
    const { out, res } = await batch(['continue'], { consoleFile: '/dev/full' });
    expect({ out, code: res.exitCode }).toEqual({ out: 's.vdbg:1: --console /dev/full: no space left on the device\n', code: 1 });
  });
});

describe('argv: -x / -ex in order, unknown options', () => {
  it('keeps -x and -ex in command-line order and hands the rest to meow', () => {
    expect(preParse(['-ex', 'si', 'img.elf', '-x', 'a.vdbg', '--eval=c', '--json', '--backend', 'kvm', '--command=b.vdbg'])).toEqual({
      actions: [
        { kind: 'eval', command: 'si' },
        { kind: 'file', file: 'a.vdbg' },
        { kind: 'eval', command: 'c' },
        { kind: 'file', file: 'b.vdbg' },
      ],
      rest: ['img.elf', '--json', '--backend=kvm'],
    });
  });
  it('refuses unknown options and missing values in one line', () => {
    expect(() => preParse(['--jsn'])).toThrow("unknown option '--jsn' (did you mean '--json'?); see vdbg --help");
    expect(() => preParse(['-ex'])).toThrow("option '-ex' needs a value");
    expect(() => preParse(['-e', 'x'])).toThrow("unknown option '-e'");
    // the option as typed, escaped and cut (a control character cannot reach the terminal raw)
    expect(() => preParse(['--\x1b[2J'])).toThrow("unknown option '--\\x1b[2J'");
    expect(() => preParse([`--${'y'.repeat(1000)}`])).toThrow(`unknown option '--${'y'.repeat(78)}…'`);
  });
});

/** The environment of a vdbg child: no CI (stack.md), no colour. */
function childEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0' };
  delete env.CI;
  return env;
}

describe('the CLI as a child process', () => {
  it('usage errors exit 2 with one line: unknown option, missing script, bad backend, missing image, bad --console', async () => {
    for (const [args, msg] of [
      [['--jsn'], "vdbg: unknown option '--jsn' (did you mean '--json'?); see vdbg --help\n"],
      [['-x', 'no/such.vdbg'], 'vdbg: no/such.vdbg: no such file\n'],
      [['--backend', 'qemu', '-ex', 'si'], "vdbg: unknown backend 'qemu' (emu or kvm)\n"],
      [['/no/such.elf', '-ex', 'si'], 'vdbg: /no/such.elf: no such file\n'],
      [['--console', '/no/such/dir/c.txt', '-ex', 'si'], 'vdbg: --console /no/such/dir/c.txt: no such directory\n'],
      [['--console', '/', '-ex', 'si'], 'vdbg: --console /: is a directory\n'],
      // read until the heap gave out before
      [['-x', '/dev/zero'], 'vdbg: /dev/zero: longer than 16 MiB, not a script (is a character device)\n'],
    ] as const) {
      const r = await runCli([...args]);
      expect({ args, code: r.exitCode, stderr: r.stderr, stdout: r.stdout }).toEqual({ args, code: 2, stderr: msg, stdout: '' });
    }
  });

  it('--version and --help', async () => {
    const v = await runCli(['--version']);
    expect(v).toMatchObject({ exitCode: 0, stdout: `${JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version}\n` });
    const h = await runCli(['--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('-ex, --eval CMD');
    expect(h.stdout).toContain('--console FILE');
  });

  it('stdin not a TTY is batch mode; errors say <stdin>:N', async () => {
    const r = await runCli([], { input: 'stepi\nprint $rip\nstpi\n' });
    expect(r.stdout).toBe(
      'Stepped: cr3=0x0000000000003000 rip=0x0000000000100002 <_start+2>\n$rip = 0x0000000000100002 (1048578) <_start+2>\n' +
        "<stdin>:3: unknown command 'stpi' (did you mean 'stepi'?)\n",
    );
    expect(r.exitCode).toBe(1);
  });

  it('-x and -ex run in the order given; --json; the bundled tiny by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdbg-'));
    writeFileSync(join(dir, 'b.vdbg'), 'echo b\n');
    const r = await runCli(['-ex', 'echo a', '-x', join(dir, 'b.vdbg'), '-ex', 'echo c']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a\nb\nc\n' });
    const t = await runCli(['tiny', '--json', '-ex', 'stepi', '-ex', 'print $rsp']);
    expect(t.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { cmd: 'stepi', ok: true, result: { reason: 'step', cr3: '0x0000000000003000', rip: '0x0000000000010007', exception: 1, dr6: '0x00000000ffff4ff0', dr7: '0x0000000000000400' } },
      { cmd: 'print', ok: true, result: { expr: '$rsp', value: '0x00000000000101a0', history: 1 } },
    ]);
  });

  it('Ctrl-C interrupts each long continue (its stop printed, the script goes on); between commands it exits 130', async () => {
    // a watchpoint on the page counter hammers (never hit): the emulator's slow path, a run of many seconds
    const script = 'watch 0x40100018\ncontinue\necho after\ncontinue\necho second\n';
    // stdin stays open after the script: vdbg then waits between commands
    const child = execa('node', ['bin/vdbg.js', '--batch'], { cwd: ROOT, env: childEnv(), extendEnv: false, reject: false, timeout: 60_000 });
    child.stdin!.write(script);
    let out = '';
    let step = 0;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // the loop runs once counter has printed its address; the second continue prints nothing before running
      if (step === 0 && out.includes('counter[2]: counting at')) {
        step = 1;
        setTimeout(() => child.kill('SIGINT'), 200);
      } else if (step === 1 && out.includes('after\n')) {
        step = 2;
        setTimeout(() => child.kill('SIGINT'), 300);
      } else if (step === 2 && out.includes('second\n')) {
        step = 3;
        // later than a copy of the last press could come (signals.ts SAME_PRESS_MS)
        setTimeout(() => child.kill('SIGINT'), SAME_PRESS_MS + 50);
      }
    });
    const r = await child;
    const stop = 'Interrupted: cr3=0x[0-9a-f]{16} \\((counter|init|idle|watcher|apx|sleeper|fault)\\) rip=0x[0-9a-f]{16}.*';
    // each continue had its own Ctrl-C (before, the second one exited with no stop line)
    // (the guest's console lines may come between `after` and the second run's stop: the guest runs again after `after`)
    expect(out).toMatch(new RegExp(`\\n${stop}\\nafter\\n(?:[a-z]+\\[?\\d*\\]?: [^\\n]*\\n)*${stop}\\nsecond\\n$`));
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toBe('vdbg: interrupted; exiting');
  });

  it('SIGTERM while a command runs: one line on stderr, status 143', async () => {
    const child = execa('node', ['bin/vdbg.js', '-ex', 'watch 0x40100018', '-ex', 'continue'], { cwd: ROOT, env: childEnv(), extendEnv: false, reject: false, timeout: 60_000 });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('counter[2]: counting at')) child.kill('SIGTERM');
    });
    const r = await child;
    expect({ code: r.exitCode, stderr: String(r.stderr) }).toEqual({ code: 143, stderr: 'vdbg: terminated (SIGTERM)' });
  });
});
