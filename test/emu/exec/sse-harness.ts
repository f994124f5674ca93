/**
 * Running one SSE instruction on a test machine (test/emu/machine.ts, CPL 0,
 * every exception exits): XMM registers set as lanes, the instruction then
 * HLT; returns the exit (vector, or HLT) for the checks of sse-*.test.ts.
 */
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import type { Gpr } from '../../../src/emu/regs.ts';
import { CODE, DATA, makeMachine } from '../machine.ts';

export { CODE, DATA };

export interface Ran {
  cpu: Cpu;
  /** 'ok' (reached the HLT) or the exception vector */
  end: 'ok' | number;
  errorCode: number;
}

export function run(bytes: number[], setup: (cpu: Cpu) => void = () => {}): Ran {
  const cpu = makeMachine([...bytes, 0xf4]);
  cpu.ctl.hlt = true;
  setup(cpu);
  const e = cpu.run(100);
  if (e.reason === EXIT_HLT) return { cpu, end: 'ok', errorCode: -1 };
  if (e.reason === EXIT_EXCEPTION) return { cpu, end: e.vector, errorCode: e.errorCode };
  throw new Error(`unexpected exit ${e.reason}`);
}

/** XMM register r as 32-bit lanes (low first). */
export const u32 = (cpu: Cpu, r: number): number[] => [...cpu.sse.x.u32.subarray(4 * r, 4 * r + 4)];
export const setU32 = (cpu: Cpu, r: number, v: number[]): void => cpu.sse.x.u32.set(v.map((x) => x >>> 0), 4 * r);
export const f64 = (cpu: Cpu, r: number): number[] => [...cpu.sse.x.f64.subarray(2 * r, 2 * r + 2)];
export const setF64 = (cpu: Cpu, r: number, v: number[]): void => cpu.sse.x.f64.set(v, 2 * r);
export const f32 = (cpu: Cpu, r: number): number[] => [...cpu.sse.x.f32.subarray(4 * r, 4 * r + 4)];
export const setF32 = (cpu: Cpu, r: number, v: number[]): void => cpu.sse.x.f32.set(v, 4 * r);
export const bytesOf = (cpu: Cpu, r: number): number[] => [...cpu.sse.x.u8.subarray(16 * r, 16 * r + 16)];
export const setBytes = (cpu: Cpu, r: number, v: number[]): void => cpu.sse.x.u8.set(v, 16 * r);

/** A GPR number for Cpu.getGpr/setGpr. */
export const G = (n: number): Gpr => n as Gpr;
