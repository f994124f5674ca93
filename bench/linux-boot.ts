/**
 * The bundled Linux guest (guests/linux) on emu: guest instructions (emu's
 * retired-instruction clock, idle time in HLT included) and wall-clock
 * seconds from the first KVM_RUN to the busybox prompt on ttyS0, with the
 * interpreter alone and with the JIT (the default), in alternating rounds;
 * medians are reported.
 */
import { BUNDLED_LINUX_CMDLINE } from '../src/core/vmm/bundled-linux.ts';
import { bootLinux } from '../test/guest/linux.ts';

const ROUNDS = 3;

interface Boot { readonly instructions: number; readonly seconds: number; readonly cpu: number }

/** One boot to the prompt with VDBG_JIT set to `mode` (the CPU reads it when it is created). */
async function boot(mode: 'on' | 'off'): Promise<Boot | string> {
  const saved = process.env.VDBG_JIT;
  process.env.VDBG_JIT = mode;
  try {
    const cpu0 = process.cpuUsage();
    const b = await bootLinux();
    const cpu = process.cpuUsage(cpu0);
    if (b.prompts === 0) return `no prompt: the run stopped (${b.run.detail})`;
    return { instructions: b.promptInstructions!, seconds: b.promptSeconds, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    if (saved === undefined) delete process.env.VDBG_JIT;
    else process.env.VDBG_JIT = saved;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function reportLinuxBoot(log: (line: string) => void): Promise<void> {
  log(`Linux boot on emu (guests/linux, "${BUNDLED_LINUX_CMDLINE}"), median of ${ROUNDS} alternating rounds`);
  const runs: Record<'off' | 'on', Boot[]> = { off: [], on: [] };
  for (let k = 0; k < ROUNDS; k++) {
    for (const mode of ['off', 'on'] as const) {
      const b = await boot(mode);
      if (typeof b === 'string') {
        log(`  ${mode === 'on' ? 'jit' : 'interp'}: ${b}`);
        return;
      }
      runs[mode].push(b);
    }
  }
  for (const mode of ['off', 'on'] as const) {
    const r = runs[mode];
    const m = r[0]!.instructions / 1e6, s = median(r.map((b) => b.seconds));
    const same = r.every((b) => b.instructions === r[0]!.instructions);
    log(`  ${mode === 'on' ? 'emu+jit' : 'interp '} prompt after ${m.toFixed(1)} M instructions${same ? '' : ' (varied!)'} in ${s.toFixed(1)} s (${(m / s).toFixed(1)} M instructions/s; host CPU ${median(r.map((b) => b.cpu)).toFixed(1)} s)`);
  }
  const off = median(runs.off.map((b) => b.seconds)), on = median(runs.on.map((b) => b.seconds));
  log(`  jit     ${(off / on).toFixed(2)}x the interpreter`);
}
