/** Instruction family: system instructions (HLT, UD2 so far; the rest to be written). */
import type { Cpu } from '../cpu.ts';
import { EXIT_HLT } from '../exits.ts';
import { GP, GuestFault, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';

/** HLT (SDM Vol. 2 HLT): privileged; exits with HLT exiting, else waits for an interrupt. */
function hlt(cpu: Cpu): void {
  if (cpu.cpl !== 0) throw new GuestFault(GP, 0);
  if (cpu.ctl.hlt) cpu.vmexit(EXIT_HLT);
  cpu.halted = true;
  cpu.updateSlow();
}

function ud2(): void {
  throw new GuestFault(UD);
}

export function bind(i: Insn): Handler | undefined {
  if (i.map === 0) {
    switch (i.op) {
      case 0xf4: return hlt;
    }
    return undefined;
  }
  switch (i.op) {
    case 0x0b: return ud2;
  }
  return undefined;
}
