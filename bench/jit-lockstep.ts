// Lockstep JIT-vs-interpreter check on the bench guests (development aid).
import { benchMachine, BENCH_MEM_SIZE, INTEGER_PROGRAM, FP_PROGRAM } from './native.ts';
import { createEmuCpu } from '../test/support/run-on-emu.ts';
import type { Cpu } from '../src/emu/cpu.ts';
const which = process.argv[2] === 'fp' ? FP_PROGRAM : INTEGER_PROGRAM;
const chunk = Number(process.argv[3] ?? 1000);
const mk = (jit: boolean): Cpu => {
  const { memory, state } = benchMachine({ program: which, entry: 'kernel', repeat: 1, scale: 0 });
  const c = createEmuCpu({ memSize: BENCH_MEM_SIZE, memory, state });
  c.setJit(jit);
  if (jit) c.jit.options.threshold = 1;
  return c;
};
const a = mk(false), b = mk(true);
const sig = (c: Cpu): string => `${c.rip.toString(16)} ${[...c.r.slice(0, 32)].join(',')} f=${c.readRflags().toString(16)} ic=${c.icount}`;
for (let k = 0; ; k++) {
  const ea = a.run(chunk), eb = b.run(chunk);
  const sa = sig(a), sb = sig(b);
  if (sa !== sb || ea.reason !== eb.reason) {
    console.log('diverged at chunk', k, 'reasons', ea.reason, eb.reason);
    console.log('int', sa);
    console.log('jit', sb);
    break;
  }
  if (ea.reason !== 0 && ea.reason !== eb.reason) break;
  if (a.halted || ea.reason !== 0) { console.log('both ended', ea.reason, a.icount); break; }
}
