/**
 * Instruction family: system instructions. This module binds the opcode
 * rows to handlers split by concern: control/debug registers and XCR0
 * (system-cr.ts), MSRs/TSC/CPUID (system-msr.ts), descriptor tables and
 * segment loads (system-desc.ts), SYSCALL/SYSRET/IRET/INT/CLI/STI
 * (system-flow.ts), port I/O (system-io.ts, string I/O in string-io.ts),
 * far RET/JMP/CALL (system-far.ts), LAR/LSL/VERR/VERW (system-seg-query.ts),
 * SMSW/LMSW/CLAC/STAC/INVPCID (system-cr-ops.ts); HLT, UD2 and the CPL-0
 * no-ops live here. LOCK is #UD on all of them.
 */
import type { Cpu } from '../cpu.ts';
import { EXIT_HLT } from '../exits.ts';
import { GP, GuestFault, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { bindMovCrDr, clts, xgetbv, xsetbv } from './system-cr.ts';
import { bindGroup6, bindMovSreg, invlpg, lgdt, lidt, sgdt, sidt, swapgs } from './system-desc.ts';
import { cli, int1, int3, intN, iret, sti, syscall, sysret } from './system-flow.ts';
import { clac, invpcid, lmsw, smsw, stac } from './system-cr-ops.ts';
import { bindFar } from './system-far.ts';
import { bindIo } from './system-io.ts';
import { bindStringIo } from './string-io.ts';
import { lar, lsl, verrVerw } from './system-seg-query.ts';
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
      case 4: return smsw;
      case 6: return lmsw;
    }
    return undefined;
  }
  const rm = i.rm & 7;
  if (i.digit === 4) return smsw; // SMSW r16/r32/r64
  if (i.digit === 6) return lmsw; // LMSW r16
  if (i.digit === 7 && rm === 0) return swapgs; // 0F 01 F8 (prefixes ignored)
  if (i.digit === 7 && rm === 1) return rdtscp; // 0F 01 F9
  // The others take no 66/F2/F3 (they are other instructions or #UD).
  if (i.rep !== 0 || i.opsizePrefix) return undefined;
  if (i.digit === 2 && rm === 0) return xgetbv; // 0F 01 D0
  if (i.digit === 2 && rm === 1) return xsetbv; // 0F 01 D1
  if (i.digit === 1 && rm === 2) return clac; // 0F 01 CA
  if (i.digit === 1 && rm === 3) return stac; // 0F 01 CB
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
  if (i.op >= 0x6c && i.op <= 0x6f) return bindStringIo(i);
  return bindFar(i);
}

function bindMap1(i: Insn): Handler | undefined {
  switch (i.op) {
    case 0x00: return i.digit === 4 || i.digit === 5 ? verrVerw : bindGroup6(i);
    case 0x01: return bindGroup7(i);
    case 0x02: return lar;
    case 0x03: return lsl;
    case 0x05: return syscall;
    case 0x06: return clts;
    case 0x07: return sysret;
    case 0x08: case 0x09: return cacheNop;
    case 0x0b: case 0xb9: case 0xff: return ud2; // UD2, UD1, UD0
    case 0x20: case 0x21: case 0x22: case 0x23: return bindMovCrDr(i);
    case 0x30: return wrmsr;
    case 0x31: return rdtsc;
    case 0x32: return rdmsr;
    case 0xa2: return cpuid;
  }
  return undefined;
}

function bindMap2(i: Insn): Handler | undefined {
  return i.op === 0x82 ? invpcid : undefined;
}

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  return i.map === 0 ? bindMap0(i) : i.map === 1 ? bindMap1(i) : bindMap2(i);
}
