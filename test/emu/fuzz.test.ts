/**
 * Robustness fuzzing (fixed seeds, so failures reproduce): the decoder and
 * the whole CPU must turn any byte string into instructions or guest
 * exceptions — never a JavaScript exception. Guest conditions are
 * GuestFaults (caught by the run loop and turned into exits); anything else
 * escaping `decodeBytes` or `Cpu.run` is a bug in the emulator.
 *
 * On failure the message lists, per distinct error, the instruction bytes at
 * RIP (hex), its opcode row and the JS stack, so the family module at fault
 * can be found and the case turned into a unit test.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/emu/cpu.ts';
import { decodeBytes } from '../../src/emu/decode.ts';
import { bindInsn } from '../../src/emu/dispatch.ts';
import { EXIT_BUDGET, EXIT_EXCEPTION, EXIT_NAMES } from '../../src/emu/exits.ts';
import { GuestFault } from '../../src/emu/fault.ts';
import { Insn } from '../../src/emu/insn.ts';
import { OPCODES, prefixClass } from '../../src/emu/opcodes/table.ts';
import { CODE, DATA, makeMachine, STACK_TOP } from './machine.ts';
import { prng } from './prng.ts';


const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
/** map * 256 + opcode of every opcode in our table. */
const ROWS = OPCODES.opcodes;

/** One instruction-ish byte string: mostly a table opcode with prefixes and random operand bytes. */
function emit(ri: (n: number) => number, out: number[]): void {
  const kind = ri(20);
  if (kind === 0) {
    for (let k = 0; k < 1 + ri(6); k++) out.push(ri(256));
    return;
  }
  if (ri(4) === 0) out.push(PREFIXES[ri(PREFIXES.length)]);
  if (kind === 1) {
    out.push(0xd5, ri(256)); // REX2 (APX)
  } else if (ri(2) === 0) out.push(0x40 | ri(16));
  const row = ROWS[ri(ROWS.length)];
  if (row >= 256 && kind !== 1) out.push(0x0f); // REX2.M0 stands for 0F
  if (row >= 512 && kind !== 1) out.push(row >= 768 ? 0x3a : 0x38);
  out.push(row & 0xff);
  // ModR/M: favour register forms and memory through a base register (mostly RAM).
  const r = ri(8);
  out.push(r < 4 ? 0xc0 | ri(64) : r < 7 ? (ri(3) << 6) | (ri(8) << 3) | ri(8) : ri(256));
  for (let k = ri(6); k > 0; k--) out.push(ri(256));
}

interface Failure {
  bytes: string;
  where: string;
  stack: string;
  count: number;
}

function hexAt(cpu: Cpu, pa: number, n = 15): string {
  return Array.from(cpu.mem.u8.subarray(pa, pa + n), (v) => v.toString(16).padStart(2, '0')).join(' ');
}

function report(failures: Map<string, Failure>): string {
  return [...failures.values()]
    .map((f) => `${f.count}× bytes at RIP: ${f.bytes}\n  ${f.where}\n  ${f.stack.split('\n').slice(0, 8).join('\n  ')}`)
    .join('\n\n');
}

describe('fuzz: decoder', () => {
  it('decodes 200 000 random byte strings, throwing only guest faults', () => {
    const ri = prng(0xdec0de);
    const i = new Insn();
    const failures = new Map<string, Failure>();
    let faults = 0;
    for (let t = 0; t < 200_000; t++) {
      const b: number[] = [];
      if (ri(2) === 0) emit(ri, b);
      const n = ri(17); // lengths 0–16, so reads can also run off the end
      while (b.length < n) b.push(ri(256));
      b.length = Math.min(b.length, 16);
      try {
        bindInsn(decodeBytes(b, i));
        if (i.len < 1 || i.len > 15) throw new Error(`bad length ${i.len}`);
      } catch (e) {
        if (e instanceof GuestFault) {
          faults++;
          continue;
        }
        const err = e instanceof Error ? e : new Error(String(e));
        const key = err.message;
        const f = failures.get(key);
        if (f) f.count++;
        else failures.set(key, { bytes: b.map((v) => v.toString(16).padStart(2, '0')).join(' '), where: 'decodeBytes', stack: err.stack ?? err.message, count: 1 });
      }
    }
    expect(faults).toBeGreaterThan(0);
    expect(failures.size, report(failures)).toBe(0);
  });
});

const PROGRAMS = 8000;

describe('fuzz: execution', () => {
  it('runs 8 000 random programs (≤ 300 instructions each) with only exits', () => {
    const ri = prng(0xf022);
    const failures = new Map<string, Failure>();
    const exits = new Map<string, number>();
    let executed = 0;
    const start = Date.now();
    for (let run = 0; run < PROGRAMS; run++) {
      const code: number[] = [];
      while (code.length < 512) emit(ri, code);
      const cpu = makeMachine(code, { memSize: 4 * 1024 * 1024 });
      // Registers: addresses in RAM (code, data, stack), small values, or any 64-bit value.
      for (let g = 0; g < 16; g++) {
        if (g === 4) continue; // RSP stays at the stack
        const k = ri(4);
        const lo = k === 0 ? DATA + ri(0x10000) : k === 1 ? ri(64) : k === 2 ? CODE + ri(512) : ri(2 ** 32) | 0;
        cpu.r[2 * g] = lo;
        cpu.r[2 * g + 1] = k === 3 ? ri(2 ** 32) | 0 : 0;
      }
      cpu.r[2 * 4] = STACK_TOP - 8 * ri(64);
      cpu.writeRflags(2 | ri(2) | (ri(2) << 6) | (ri(2) << 7) | (ri(2) << 11) | (ri(2) << 10));
      let budget = 300;
      try {
        while (budget > 0) {
          const icount = cpu.icount;
          // One instruction at a time, with RCX clamped: a REP string instruction
          // with a huge count is legal but runs for seconds (through the slow
          // non-RAM path), which would only slow the fuzzing down.
          if (cpu.r[3] !== 0 || cpu.r[2] >>> 0 > 0xfff) {
            cpu.r[3] = 0;
            cpu.r[2] &= 0xfff;
          }
          const exit = cpu.run(1);
          budget -= Math.max(1, cpu.icount - icount);
          executed += cpu.icount - icount;
          if (exit.reason === EXIT_BUDGET) continue;
          const name = exit.reason === EXIT_EXCEPTION ? `exception ${exit.vector}` : EXIT_NAMES[exit.reason];
          exits.set(name, (exits.get(name) ?? 0) + 1);
          if (exit.reason !== EXIT_EXCEPTION) break; // hlt, io, unsupported…: end of this program
          // Skip the faulting byte and carry on, to reach more instructions.
          cpu.rip += 1;
          if (cpu.rip < CODE || cpu.rip >= CODE + code.length) break;
        }
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        let pa = -1;
        try {
          pa = cpu.mmu.fetchPa(cpu.insnStart);
        } catch {
          /* the address itself does not translate */
        }
        // The instruction that failed, decoded again from its bytes (the CPU keeps no pointer to it).
        const op = pa >= 0 ? decodeBytes(cpu.mem.u8.subarray(pa, pa + 15)) : new Insn();
        const row = op.row ?? OPCODES.slot(op.map, prefixClass(op), op.op)?.shape;
        const key = `${row?.mnemonic ?? '?'}:${err.message}`;
        const f = failures.get(key);
        if (f) f.count++;
        else {
          failures.set(key, {
            bytes: pa >= 0 ? hexAt(cpu, pa) : `(RIP ${cpu.insnStart.toString(16)} does not translate)`,
            where: `run ${run}, map ${op.map} op ${op.op.toString(16)} /${op.digit} (${row?.mnemonic ?? 'no row'}), osz ${op.osz}, ${err.name}: ${err.message}`,
            stack: err.stack ?? '',
            count: 1,
          });
        }
      }
    }
    console.log(
      `fuzz: ${executed} instructions retired in ${PROGRAMS} programs (${Date.now() - start} ms); exits: ` +
        [...exits].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', '),
    );
    expect(failures.size, `JS exceptions escaped Cpu.run:\n${report(failures)}`).toBe(0);
  });
});
