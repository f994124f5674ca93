/**
 * console-send and continue-until-console in batch mode through the real
 * CLI (`--kernel` with test/support's echo kernel): the stop lines, the
 * console in the transcript, JSON, and the same bytes on two runs (emu).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../golden/run.ts';
import { echoKernelMissing, writeEchoKernel } from '../../support/echo-kernel.ts';

if (echoKernelMissing) console.warn(`[skip] console commands in batch mode: ${echoKernelMissing}`);
const kernel = echoKernelMissing ? null : writeEchoKernel();
afterAll(() => kernel?.remove());

const script = ['continue-until-console x', 'console-send hello', 'continue-until-console ll', 'continue-until-console o', 'console-send \\n', 'continue'];

describe.skipIf(echoKernelMissing !== undefined)('console commands in batch mode (emu, echo kernel)', () => {
  it('text: a guest waiting for input, the stops where the text appeared, the exit; identical on two runs', async () => {
    const args = ['--kernel', kernel!.file, '--mem', '16M', ...script.flatMap((l) => ['-ex', l])];
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe([
      'Halted waiting for input (HLT, no timer or device interrupt to come): cr3=0x0000000000003000 rip=0x000000000010027d',
      'Console: the guest printed "ll": cr3=0x0000000000003000 rip=0x0000000000100293',
      'Console: the guest printed "o": cr3=0x0000000000003000 rip=0x0000000000100293',
      'Guest exited with status 1',
      'hello', // the guest's line (it never ends it with a newline: written at the end)
      '',
    ].join('\n'));
    expect((await runCli(args)).stdout).toBe(r.stdout);
  });

  it('JSON: console-send gives {}, the stop has reason "console" and the text in its detail', async () => {
    const r = await runCli(['--kernel', kernel!.file, '--mem', '16M', '--json', '-ex', 'console-send hi\\n', '-ex', 'continue-until-console i', '-ex', 'continue']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ cmd: 'console-send', ok: true, result: {} });
    expect(lines[1].result).toMatchObject({ reason: 'console', detail: 'the guest printed "i"' });
    expect(lines[2].result).toMatchObject({ reason: 'exit', status: 1 });
    expect(lines[3]).toEqual({ console: 'hi' });
  });

  it('a bad escape fails the command, naming it and the line', async () => {
    const r = await runCli(['--kernel', kernel!.file, '--mem', '16M', '-ex', 'console-send a\\q']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/^-ex:1: unknown escape \\q in 'a\\q'/m);
  });
});
