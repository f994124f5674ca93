/**
 * Shared by the Linux boot test and the bench: boots the bundled Linux guest
 * (guests/linux, committed artifacts only) with runGuest, types `commands`
 * at the serial console one per shell prompt (the UART's host input,
 * `serial.uart.pushInput`), and stops at the prompt after the last one.
 */
import type { Backend } from '../../src/core/backend.ts';
import { EmuBackend } from '../../src/core/emu/backend.ts';
import { BUNDLED_LINUX_MEM, BUNDLED_LINUX_PROMPT, bundledLinuxImage } from '../../src/core/vmm/bundled-linux.ts';
import { runGuest, type RunGuestResult } from '../../src/core/vmm/run-guest.ts';

export interface LinuxBoot {
  run: RunGuestResult;
  /** Everything the guest wrote to the serial console. */
  transcript: string;
  /** The transcript up to and including the first prompt. */
  boot: string;
  /** Guest instructions (emu's retired-instruction clock, idle time included) at the first prompt; null on kvm. */
  promptInstructions: number | null;
  /** Wall-clock seconds from the first KVM_RUN to the first prompt. */
  promptSeconds: number;
  /** The shell prompts seen (1 + the commands answered). */
  prompts: number;
}

export async function bootLinux(opts: { backend?: Backend; commands?: string[]; timeoutMs?: number } = {}): Promise<LinuxBoot> {
  const backend = opts.backend ?? new EmuBackend();
  const commands = opts.commands ?? [];
  let out = '';
  let prompts = 0;
  let promptInstructions: number | null = null;
  let promptSeconds = 0;
  let icount: () => number | null = () => null;
  let type: (text: string) => void = () => {};
  const t0 = performance.now();
  const run = await runGuest(backend, bundledLinuxImage(), {
    memSize: BUNDLED_LINUX_MEM,
    timeoutMs: opts.timeoutMs,
    onStart(ctx) {
      if (backend instanceof EmuBackend) {
        const cpu = backend.vcpu(ctx.vcpuFd).cpu;
        icount = () => cpu.icount;
      }
      type = (text) => ctx.serial.uart.pushInput(Buffer.from(text, 'latin1'));
    },
    onConsole(text) {
      out += text;
      if (!out.endsWith(BUNDLED_LINUX_PROMPT)) return;
      if (prompts++ === 0) {
        promptInstructions = icount();
        promptSeconds = (performance.now() - t0) / 1000;
      }
      if (prompts <= commands.length) type(`${commands[prompts - 1]}\n`);
    },
    until: () => prompts > commands.length,
  });
  const first = out.indexOf(BUNDLED_LINUX_PROMPT);
  return {
    run, transcript: out, boot: first < 0 ? out : out.slice(0, first + BUNDLED_LINUX_PROMPT.length),
    promptInstructions, promptSeconds, prompts,
  };
}

/** One `ps` row of busybox: PID, USER, COMMAND ("[kthreadd]" for a kernel thread, "{comm} argv" when they differ). */
export interface PsRow { pid: number; user: string; command: string }

/** The rows of busybox `ps` output (after its "PID   USER     COMMAND" header; a TIME column, if built in, is skipped). */
export function psRows(text: string): PsRow[] {
  const lines = text.split(/\r?\n/);
  const h = lines.findIndex((l) => /^\s*PID\s+USER\s+(TIME\s+)?COMMAND/.test(l));
  if (h < 0) return [];
  const rows: PsRow[] = [];
  for (const l of lines.slice(h + 1)) {
    const m = /^\s*(\d+)\s+(\S+)\s+(?:\d+:\d\d\s+)?(.*)$/.exec(l);
    if (!m) break;
    rows.push({ pid: Number(m[1]), user: m[2], command: m[3].trimEnd() });
  }
  return rows;
}
