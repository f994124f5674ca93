/**
 * Golden tests: every example script under examples/ runs against the
 * bundled guest on emu, and its exact text output is committed as
 * test/golden/NAME.txt (byte for byte; regenerate with
 * `VDBG_UPDATE_GOLDEN=1 npx vitest run test/golden`). A few run as the real
 * CLI in a child process, the rest through the batch runner in-process (the
 * same code, faster). Each also runs with --json: every line parses, has
 * the documented keys, and 64-bit values are hex strings.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, runExample } from './run.ts';
import { DEFAULT_THRESHOLD, jitOptionsFromEnv } from '../../src/emu/jit/options.ts';

interface Example {
  name: string;
  keepGoing?: boolean;
  exitCode: 0 | 1;
  /** Run as a child process (the others in-process). */
  cli?: boolean;
  /** CLI options before the script (cli only): the guest to run it on. */
  args?: string[];
  /** Per run (text, then JSON), when longer than the default 60 s: a Linux boot with VDBG_JIT=force compiles every block it meets. */
  timeoutMs?: number;
}

const EXAMPLES: Example[] = [
  { name: 'tour', exitCode: 0, cli: true },
  { name: 'processes', exitCode: 0 },
  { name: 'watch', exitCode: 0 },
  { name: 'lazy-dr', exitCode: 0 },
  { name: 'apx', exitCode: 0 },
  { name: 'tiny', exitCode: 0, cli: true },
  { name: 'kernel', exitCode: 0 },
  { name: 'errors', keepGoing: true, exitCode: 1, cli: true },
  { name: 'linux', exitCode: 0, cli: true, args: ['--guest', 'linux'], timeoutMs: 240_000 },
];

const UPDATE = process.env.VDBG_UPDATE_GOLDEN === '1';
const golden = (name: string) => `${ROOT}test/golden/${name}.txt`;

/**
 * The goldens are of the default, tiered JIT. `info exits` ends with the
 * JIT's counters (`JIT: …`), which differ by design when the suite runs with
 * the JIT forced or off (VDBG_JIT, VDBG_JIT_THRESHOLD): then that one line is
 * compared only for being there; everything else stays byte for byte.
 */
const jit = jitOptionsFromEnv();
const JIT_MODE_SET = !jit.enabled || jit.threshold !== DEFAULT_THRESHOLD;
const jitLine = (s: string): string => (JIT_MODE_SET ? s.replace(/^JIT: .*$/gm, 'JIT: (counters of this JIT mode)') : s);

function expectGolden(name: string, out: string): void {
  if (UPDATE || !existsSync(golden(name))) writeFileSync(golden(name), out);
  expect(jitLine(out)).toBe(jitLine(readFileSync(golden(name), 'utf8')));
}

/** Keys whose values are 64-bit quantities: always `0x` + 16 hex digits. */
const HEX64 = new Set(['addr', 'rip', 'cr3', 'dr6', 'dr7', 'guestXcr0', 'hostXcr0', 'lastRip']);
const REGISTER = /^(r[a-d]x|r[sd]i|r[sb]p|r\d+|rip|rflags|cr[0-8]|efer|dr[0-7]|xcr0)$/;
const STOP_LINE = /^(Breakpoint \d+ hit|Temporary breakpoint \d+ hit|Console: the guest printed|Watchpoint \d+ hit|Stepped|Returned|Reached|Halted|Guest exited|Guest shut down|Stopped:|Stopped on error:|Interrupted)/;

/** Walks a parsed JSON value: no unsafe numbers anywhere; 64-bit keys are hex strings. */
function checkValues(v: unknown, path: string, key = ''): void {
  if (typeof v === 'number') {
    expect(Number.isSafeInteger(v), `${path}: ${v} is not a safe integer`).toBe(true);
    expect(v, `${path}: a 64-bit value as a number`).toBeLessThan(2 ** 32);
  } else if (typeof v === 'string') {
    if (HEX64.has(key) || REGISTER.test(key)) expect(v, path).toMatch(/^0x[0-9a-f]{16}$/);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkValues(x, `${path}[${i}]`, key));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkValues(x, `${path}.${k}`, k);
}

/** Every line of a --json run: a console chunk or a command object with the documented keys. */
function checkJson(name: string, out: string, text: string): void {
  const lines = out.split('\n');
  expect(lines.pop()).toBe('');
  let stops = 0;
  let errors = 0;
  let commands = 0;
  for (const [i, line] of lines.entries()) {
    const where = `${name}.json:${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${where}: not JSON: ${line}`);
    }
    if ('console' in o) {
      expect(Object.keys(o), where).toEqual(['console']);
      expect(typeof o.console, where).toBe('string');
      continue;
    }
    commands++;
    expect(typeof o.cmd, where).toBe('string');
    if (o.ok === true) {
      expect(Object.keys(o), where).toEqual(['cmd', 'ok', 'result']);
      const r = o.result as Record<string, unknown>;
      if (o.cmd === 'print') expect(r.value, where).toMatch(/^0x[0-9a-f]{16}$/);
      if (typeof r.reason === 'string') {
        stops++;
        expect(r.reason === 'exit' ? ['reason', 'status'] : ['reason', 'cr3', 'rip'], where).toEqual(expect.arrayContaining(r.reason === 'exit' ? ['reason', 'status'] : ['reason', 'cr3', 'rip']));
      }
    } else {
      errors++;
      expect(o.ok, where).toBe(false);
      expect(Object.keys(o).slice(0, 4), where).toEqual(['cmd', 'ok', 'error', 'line']);
      expect(typeof o.error, where).toBe('string');
      expect(Number.isInteger(o.line), where).toBe(true);
    }
    checkValues(o, where);
  }
  // the same commands as the text run: one stop object per stop line, one error per error line
  const textLines = text.split('\n');
  expect(stops, `${name}: stops`).toBe(textLines.filter((l) => STOP_LINE.test(l)).length);
  expect(errors, `${name}: errors`).toBe(textLines.filter((l) => l.startsWith(`examples/${name}.vdbg:`)).length);
  expect(commands).toBeGreaterThan(0);
  // the console, joined, is the console of the text run
  const consoleText = lines.map((l) => JSON.parse(l) as { console?: string }).filter((o) => o.console !== undefined).map((o) => o.console).join('');
  for (const l of consoleText.split('\n').filter((x) => x !== '')) expect(text, `${name}: console line`).toContain(`${l}\n`);
}

describe('golden: examples/*.vdbg on emu', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.name}.vdbg: exact text output${ex.cli ? ' (CLI child process)' : ''}, then --json parsed`, async () => {
      const flags = [...(ex.args ?? []), ...(ex.keepGoing ? ['--keep-going'] : [])];
      const text = ex.cli ? await runCli(['-x', `examples/${ex.name}.vdbg`, ...flags], { timeoutMs: ex.timeoutMs }) : await runExample(ex.name, { keepGoing: ex.keepGoing });
      expect(text.exitCode).toBe(ex.exitCode);
      expectGolden(ex.name, text.stdout);
      const json = ex.cli ? await runCli(['-x', `examples/${ex.name}.vdbg`, '--json', ...flags], { timeoutMs: ex.timeoutMs }) : await runExample(ex.name, { keepGoing: ex.keepGoing, json: true });
      expect(json.exitCode).toBe(ex.exitCode);
      checkJson(ex.name, json.stdout, text.stdout);
    }, ex.timeoutMs === undefined ? undefined : 2 * ex.timeoutMs);
  }

  it('byte-identical: the CLI and the in-process runner, and two runs of the same script', async () => {
    const a = await runExample('processes');
    const b = await runExample('processes');
    expect(b.stdout).toBe(a.stdout);
    const c = await runCli(['-x', 'examples/processes.vdbg']);
    expect(c.stdout).toBe(a.stdout);
    expect(c.stderr).toBe('');
  });

  it('errors.vdbg without --keep-going stops at the first failure with status 1', async () => {
    const r = await runCli(['-x', 'examples/errors.vdbg']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("examples/errors.vdbg:4: unknown command 'stpi' (did you mean 'stepi'?)\n");
  });
});
