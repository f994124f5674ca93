/**
 * `--guest vmos|linux|tiny` (commands.md "Invocation"): linux boots the
 * committed guests/linux artifacts with the bundled command line (plus
 * --append) in 128 MiB; the refusals are usage errors (status 2) naming the
 * fault, and a missing artifact says how to build it.
 */
import { describe, expect, it } from 'vitest';
import { bundledLinuxOptions } from '../../src/commands/session/image.ts';
import { BUNDLED_LINUX, BUNDLED_LINUX_CMDLINE } from '../../src/core/vmm/bundled-linux.ts';
import { runCli } from '../golden/run.ts';

describe('--guest', () => {
  it('linux: the bzImage at its 64-bit entry, the bundled command line plus --append in the zero page, 128 MiB', async () => {
    const r = await runCli(['--guest', 'linux', '--append', 'x=1', '-ex', 'info registers rip rsi', '-ex', 'x/s phys 0x20000', '-ex', 'x/2gx phys 0x1030c']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/rip\s+0x0000000000100200/); // code32_start + 0x200
    expect(r.stdout).toMatch(/rsi\s+0x0000000000010000/); // the zero page
    expect(r.stdout).toContain(`"${BUNDLED_LINUX_CMDLINE} x=1"`);
    expect(BUNDLED_LINUX_CMDLINE).toBe('console=ttyS0 quiet');
    // The zero page's fourth e820 entry (boot_params.e820_table at 0x2d0, 20 bytes each): RAM from 1 MiB to 128 MiB.
    expect(r.stdout).toMatch(/0x0000000000100000\s+0x0000000007f00000/);
  });

  it('vmos and tiny are the bundled IMAGE names', async () => {
    const vmos = await runCli(['--guest', 'vmos', '-ex', 'info registers rip']);
    const tiny = await runCli(['--guest', 'tiny', '-ex', 'info registers rip']);
    expect([vmos.exitCode, tiny.exitCode]).toEqual([0, 0]);
    expect(vmos.stdout).toMatch(/rip\s+0x0000000000100000/);
    expect(tiny.stdout).toMatch(/rip\s+0x0000000000010000/);
  });

  it('usage errors: an unknown name, with an IMAGE or --kernel, --initrd with --guest linux', async () => {
    const cases: [string[], string][] = [
      [['--guest', 'windows'], "vdbg: unknown guest 'windows' (vmos, linux, tiny)\n"],
      [['--guest', 'linux', 'vmos'], "vdbg: --guest linux names the image; got IMAGE 'vmos' too\n"],
      [['--guest', 'linux', '--kernel', 'bz'], 'vdbg: --guest linux names the image; got --kernel too\n'],
      [['--guest', 'linux', '--initrd', 'i'], 'vdbg: --initrd needs --kernel (--guest linux has its own)\n'],
      [['--guest', 'vmos', '--append', 'x'], 'vdbg: --append needs --kernel or --guest linux\n'],
    ];
    for (const [args, err] of cases) {
      const r = await runCli([...args, '-ex', 'info registers rip']);
      expect([r.exitCode, r.stderr], args.join(' ')).toEqual([2, err]);
    }
  });

  it('a missing artifact is a no-file error that says to run npm run build:guests', () => {
    expect(() => bundledLinuxOptions(undefined, [BUNDLED_LINUX.kernel])).toThrow(
      expect.objectContaining({ code: 'no-file', message: 'the bundled Linux guest is not built (bzImage missing in guests/linux): run npm run build:guests' }),
    );
  });
});
