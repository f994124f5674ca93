/**
 * The bundled Linux guest (guests/linux) on emu: guest instructions (emu's
 * retired-instruction clock, idle time in HLT included) and wall-clock
 * seconds from the first KVM_RUN to the busybox prompt on ttyS0.
 */
import { BUNDLED_LINUX_CMDLINE } from '../src/core/vmm/bundled-linux.ts';
import { bootLinux } from '../test/guest/linux.ts';

export async function reportLinuxBoot(log: (line: string) => void): Promise<void> {
  log(`Linux boot on emu (guests/linux, "${BUNDLED_LINUX_CMDLINE}")`);
  const cpu0 = process.cpuUsage();
  const b = await bootLinux();
  const cpu = process.cpuUsage(cpu0);
  if (b.prompts === 0) {
    log(`  no prompt: the run stopped (${b.run.detail})`);
    return;
  }
  const m = b.promptInstructions! / 1e6;
  log(`  prompt after ${m.toFixed(1)} M instructions in ${b.promptSeconds.toFixed(1)} s (${(m / b.promptSeconds).toFixed(1)} M instructions/s; host CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
}
