/**
 * Port I/O: IN/OUT with an imm8 port (E4–E7) or DX (EC–EF), 8/16/32-bit
 * (SDM Vol. 2 IN, OUT). CPL > IOPL is #GP(0): there is no I/O permission
 * bitmap (the TSS limit never covers one here). With `ctl.io` the
 * instruction VM-exits (EXIT_IO with port, size, direction and the value
 * written) and the hypervisor completes it; else it goes through `cpu.io`.
 * I/O breakpoints (DR7 R/W = 10) are not emulated.
 */
import type { Cpu } from '../cpu.ts';
import { EXIT_IO } from '../exits.ts';
import { GP, GuestFault } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { RAX, RDX } from '../regs.ts';

function access(cpu: Cpu, port: number, size: number, out: boolean): void {
  if (cpu.cpl > ((cpu.flagsOther >> 12) & 3)) throw new GuestFault(GP, 0);
  const r = cpu.r;
  const value = size === 4 ? r[2 * RAX] >>> 0 : r[2 * RAX] & (size === 2 ? 0xffff : 0xff);
  if (cpu.ctl.io) {
    const exit = cpu.exit;
    exit.port = port;
    exit.size = size;
    exit.out = out;
    exit.value = out ? value : 0;
    exit.count = 1;
    exit.stringIo = null;
    cpu.vmexit(EXIT_IO);
  }
  if (out) {
    cpu.io.out(port, size, value);
    return;
  }
  const v = cpu.io.in(port, size);
  if (size === 4) {
    r[2 * RAX] = v | 0; // a 32-bit IN zero-extends into RAX
    r[2 * RAX + 1] = 0;
  } else if (size === 2) {
    r[2 * RAX] = (r[2 * RAX] & ~0xffff) | (v & 0xffff);
  } else {
    r[2 * RAX] = (r[2 * RAX] & ~0xff) | (v & 0xff);
  }
}

export function bindIo(i: Insn): Handler | undefined {
  // Operand size: byte for even opcodes, else 16 with 66, else 32 (REX.W does not make it 64).
  const size = (i.op & 1) === 0 ? 1 : i.opsizePrefix && !i.rexW ? 2 : 4;
  const out = (i.op & 2) !== 0;
  if (i.op < 0xe8) {
    const port = i.imm & 0xff;
    return (cpu) => access(cpu, port, size, out);
  }
  return (cpu) => access(cpu, cpu.r[2 * RDX] & 0xffff, size, out);
}
