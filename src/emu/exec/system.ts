/**
 * Instruction family: system instructions. This module binds the opcode
 * rows to handlers split by concern: control/debug registers and XCR0
 * (system-cr.ts), MSRs/TSC/CPUID (system-msr.ts), descriptor tables and
 * segment loads (system-desc.ts), SYSCALL/SYSRET/IRET/INT/CLI/STI
 * (system-flow.ts), port I/O (system-io.ts); HLT, UD2 and the CPL-0 no-ops
 * live here. LOCK is #UD on all of them.
 */
import type { Cpu } from '../cpu.ts';
import { EXIT_HLT } from '../exits.ts';
import { GP, GuestFault, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { bindMovCrDr, clts, xgetbv, xsetbv } from './system-cr.ts';
import { bindGroup6, bindMovSreg, invlpg, lgdt, lidt, sgdt, sidt, swapgs } from './system-desc.ts';
import { cli, int1, int3, intN, iret, sti, syscall, sysret } from './system-flow.ts';
import { bindIo } from './system-io.ts';
import { cpuid, rdmsr, rdtsc, rdtscp, wrmsr } from './system-msr.ts';

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

/** INVD, WBINVD: no caches are modelled; CPL 0 only. */
function cacheNop(cpu: Cpu): void {
  if (cpu.cpl !== 0) throw new GuestFault(GP, 0);
}

/** 0F 01 (group 7): memory forms by /digit, register forms by the whole ModRM byte. */
function bindGroup7(i: Insn): Handler | undefined {
  if (!i.regForm) {
    switch (i.digit) {
      case 0: return sgdt;
      case 1: return sidt;
      case 2: return lgdt;
      case 3: return lidt;
      case 7: return invlpg;
    }
    return undefined; // SMSW/LMSW are not implemented
  }
  const rm = i.rm & 7;
  if (i.digit === 2 && rm === 0) return xgetbv; // 0F 01 D0
  if (i.digit === 2 && rm === 1) return xsetbv; // 0F 01 D1
  if (i.digit === 7 && rm === 0) return swapgs; // 0F 01 F8
  if (i.digit === 7 && rm === 1) return rdtscp; // 0F 01 F9
  return undefined;
}

function bindMap0(i: Insn): Handler | undefined {
  switch (i.op) {
    case 0x8e: return bindMovSreg(i);
    case 0xcc: return int3;
    case 0xcd: return intN;
    case 0xcf: return iret;
    case 0xf1: return int1;
    case 0xf4: return hlt;
    case 0xfa: return cli;
    case 0xfb: return sti;
  }
  if ((i.op >= 0xe4 && i.op <= 0xe7) || (i.op >= 0xec && i.op <= 0xef)) return bindIo(i);
  return undefined;
}

function bindMap1(i: Insn): Handler | undefined {
  switch (i.op) {
    case 0x00: return bindGroup6(i);
    case 0x01: return bindGroup7(i);
    case 0x05: return syscall;
    case 0x06: return clts;
    case 0x07: return sysret;
    case 0x08: case 0x09: return cacheNop;
    case 0x0b: return ud2;
    case 0x20: case 0x21: case 0x22: case 0x23: return bindMovCrDr(i);
    case 0x30: return wrmsr;
    case 0x31: return rdtsc;
    case 0x32: return rdmsr;
    case 0xa2: return cpuid;
  }
  return undefined;
}

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  return i.map === 0 ? bindMap0(i) : bindMap1(i);
}
