/**
 * The bundled Linux guest on emu (guests/linux, committed artifacts: no
 * Debian package needed): it boots to the busybox prompt on ttyS0, takes a
 * command typed at the serial console (16550A receiver, IRQ 4), and `ps`
 * lists the processes guests/linux/init started under the pids they print
 * themselves. A second boot gives the same transcript to the prompt and the
 * same instruction count there (determinism; the second run stops at the
 * prompt to keep the suite short, so `ps` is compared on one run only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_LINUX_PROMPT } from '../../src/core/vmm/bundled-linux.ts';
import { bootLinux, psRows, type LinuxBoot } from './linux.ts';

let first: LinuxBoot;

beforeAll(async () => {
  first = await bootLinux({ commands: ['ps'] });
  console.log(`linux on emu: prompt after ${first.promptInstructions} instructions, ${first.promptSeconds.toFixed(1)} s`);
}, 240_000);

describe('the bundled Linux on emu', () => {
  it('boots to the shell prompt on the serial console', () => {
    // `quiet`: the kernel prints only warnings (the emulated CPU's vendor is unknown to it), then /init's lines.
    expect(first.boot).toMatch(/^(CPU: .*\r?\n)*vdbg-linux: init started; /);
    expect(first.boot).toContain('BusyBox v1.35.0');
    expect(first.boot.endsWith(BUNDLED_LINUX_PROMPT)).toBe(true);
    expect(first.run.stop).toBe('until');
  });

  it('runs ps typed at the console: init, the shell, both counters, ssework, hwwatch and its child, kernel threads', () => {
    expect(first.prompts).toBe(2);
    const after = first.transcript.slice(first.boot.length);
    // ash asks the terminal where the cursor is (ESC [6n) after its prompt; then the tty echoes what was typed.
    expect(after).toMatch(/^(\x1b\[6n)?ps\r\n/);
    const rows = psRows(after);
    const pidsOf = (re: RegExp) => rows.filter((r) => re.test(r.command)).map((r) => r.pid);
    expect(rows.find((r) => r.pid === 1)?.command).toMatch(/^(\{init\} )?\/bin\/sh \/init$|^init$/);
    expect(rows.some((r) => r.command === '[kthreadd]')).toBe(true);
    expect(pidsOf(/^sh$|^-?\/bin\/sh$/).length).toBeGreaterThanOrEqual(1);
    expect(pidsOf(/^\{ps\} |^ps$/).length).toBe(1); // ash runs ps as a NOFORK applet: comm ps, argv sh
    // Each program printed its pid when it started; ps must list it under that pid.
    for (const [name, re] of [['counter 1', /^\/bin\/counter 1$/], ['counter 2', /^\/bin\/counter 2$/], ['ssework', /^\/bin\/ssework$/], ['hwwatch', /^\/bin\/hwwatch$/]] as const) {
      const said = new RegExp(`^${name}: pid (\\d+) `, 'm').exec(first.transcript);
      expect(said, `${name} did not print its pid`).not.toBeNull();
      expect(pidsOf(re), name).toContain(Number(said![1]));
    }
    // hwwatch's child (forked, same image) is the pid hwwatch names.
    const child = /^hwwatch: pid \d+ watching 0x[0-9a-f]+ in child (\d+)$/m.exec(first.transcript);
    expect(pidsOf(/^\/bin\/hwwatch$/)).toContain(Number(child![1]));
  });

  it('is deterministic: a second boot prints the same bytes to the prompt, at the same instruction count', async () => {
    const again = await bootLinux();
    expect(again.boot).toBe(first.boot);
    expect(again.promptInstructions).toBe(first.promptInstructions);
  }, 240_000);
});
