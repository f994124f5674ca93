/**
 * `--kernel`/`--initrd`/`--append`/`--mem` through the session: a synthetic
 * bzImage (test/support/linux-image.ts) boots on emu and prints its command
 * line and initrd through the 64-bit boot protocol; the refusals name what
 * is wrong. And `--mem`'s size syntax.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preParse } from '../../../src/commands/cli-args.ts';
import { parseMemSize } from '../../../src/commands/mem-size.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { runCli } from '../../golden/run.ts';
import { assemble, binutilsMissing, CHECKER_SOURCE, makeBzImage } from '../../support/linux-image.ts';

const dir = mkdtempSync(join(tmpdir(), 'vdbg-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};

describe('--mem SIZE', () => {
  it.each([['256M', 256 << 20], ['256MiB', 256 << 20], ['1G', 1 << 30], ['65536K', 64 << 20], ['64', 64 << 20], ['1.5G', 1.5 * 2 ** 30]])('%s', (t, n) => {
    expect(parseMemSize(t)).toBe(n);
  });
  it.each([['5X', /not a size/], ['1M', /less than the 2 MiB/], ['4G', /more than 3 GiB/], ['4097K', /4 KiB pages/]])('refuses %s', (t, msg) => {
    expect(() => parseMemSize(t)).toThrow(msg);
  });
});

const missing = binutilsMissing();
if (missing) console.warn(`[skip] --kernel session boot: ${missing}`);

describe('--kernel', () => {
  it.skipIf(missing !== undefined)('boots a bzImage with its initrd and command line on emu', async () => {
    const kernel = file('bzImage', makeBzImage({ kernel: assemble(CHECKER_SOURCE.replace('PAD', '0x200'), 0x100000).flat }));
    const initrd = file('initrd', 'Qrest');
    const s = await Session.open({ backend: 'emu', linux: { kernel, initrd, append: 'console=ttyS0 x=1' }, memSize: 16 << 20 });
    let out = '';
    s.onConsole = (t) => (out += t);
    await s.cont();
    expect(out).toBe('console=ttyS0 x=1|QOK');
    await s.close();
  });

  it('refusals name the fault: not a bzImage, too old, initrd too large, cmdline too long, missing file', async () => {
    const open = (linux: { kernel: string; initrd?: string; append?: string }, memSize?: number) => Session.open({ backend: 'emu', linux, memSize });
    await expect(open({ kernel: file('text', 'hello') })).rejects.toThrow(/not a bzImage: 5 bytes/);
    await expect(open({ kernel: file('old', makeBzImage({ kernel: new Uint8Array(0x400), version: 0x0206 })) })).rejects.toThrow(/boot protocol 2\.06 is too old/);
    const ok = file('ok', makeBzImage({ kernel: new Uint8Array(0x400), cmdlineSize: 10 }));
    await expect(open({ kernel: ok, initrd: file('big', new Uint8Array(4 << 20)) }, 4 << 20)).rejects.toThrow(/the initrd of 4 MiB does not fit/);
    await expect(open({ kernel: ok, append: 'x'.repeat(11) })).rejects.toThrow(/the command line is 11 bytes; this kernel takes at most 10/);
    await expect(open({ kernel: join(dir, 'nope') })).rejects.toMatchObject({ code: 'no-file' });
  });
});

describe('the command line', () => {
  it('--kernel/--initrd/--append/--mem take a value, even one starting with a dash', () => {
    expect(preParse(['--kernel', 'bz', '--append', '-v quiet', '--initrd=i', '--mem', '1G']).rest).toEqual(['--kernel=bz', '--append=-v quiet', '--initrd=i', '--mem=1G']);
  });

  it.skipIf(missing !== undefined)('boots with the flags; usage errors (status 2) name the fault', async () => {
    const kernel = file('bz-cli', makeBzImage({ kernel: assemble(CHECKER_SOURCE.replace('PAD', '0x200'), 0x100000).flat }));
    const ok = await runCli(['--kernel', kernel, '--initrd', file('i-cli', 'Wx'), '--append', 'console=ttyS0', '--mem', '16M', '-ex', 'continue']);
    expect(ok.stdout).toContain('console=ttyS0|WOK');
    expect(ok.exitCode).toBe(0);
    const bad = await runCli(['--kernel', file('notbz', 'x'.repeat(1000)), '-ex', 'continue']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, 'vdbg: notbz: not a bzImage: no "HdrS" magic at 0x202 (found 0x78787878)\n']);
    const alone = await runCli(['--append', 'x', '-ex', 'continue']);
    expect([alone.exitCode, alone.stderr]).toEqual([2, 'vdbg: --append needs --kernel or --guest linux\n']);
  });
});
