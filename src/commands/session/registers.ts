/**
 * The register file as the debugger names it (commands.md `info registers
 * all`): which uAPI struct each register lives in, and reading / writing it
 * through the VcpuFd (KVM_GET/SET_REGS, SREGS, DEBUGREGS, XCRS; R16–R31 only
 * with APX, see inspect.ts).
 */
import type { VcpuFd } from '../../core/api/index.ts';
import type { KvmRegs } from '../../core/uapi/structs.ts';
import type { RegisterSet } from './types.ts';

export const GPRS = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
export const EGPRS = Array.from({ length: 16 }, (_, k) => `r${16 + k}`);
export const SREG_NAMES = ['cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer'] as const;
export const DR_NAMES = ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7'] as const;
export const XCR0_APX = 1n << 19n;

export type RegisterClass = 'regs' | 'sregs' | 'debugregs' | 'xcr' | 'apx';

/** Which uAPI call carries `name`, or undefined for a name that is no x86-64 register the debugger knows. */
export function registerClass(name: string): RegisterClass | undefined {
  if ((GPRS as readonly string[]).includes(name) || name === 'rip' || name === 'rflags') return 'regs';
  if ((SREG_NAMES as readonly string[]).includes(name)) return 'sregs';
  if ((DR_NAMES as readonly string[]).includes(name)) return 'debugregs';
  if (name === 'xcr0') return 'xcr';
  if (EGPRS.includes(name)) return 'apx';
  return undefined;
}

/** rax…r15, rip, rflags, cr0, cr2, cr3, cr4, cr8, efer, dr0–dr3, dr6, dr7, xcr0 (R16–R31 are added by the caller). */
export function readRegisters(vcpu: VcpuFd): { set: RegisterSet; xcr0: bigint } {
  const r = vcpu.getRegs(), s = vcpu.getSregs(), d = vcpu.getDebugRegs();
  const xcr0 = vcpu.getXcrs().xcrs.find((x) => x.xcr === 0)?.value ?? 0n;
  const set: RegisterSet = {};
  for (const g of GPRS) set[g] = r[g];
  set.rip = r.rip;
  set.rflags = r.rflags;
  for (const c of SREG_NAMES) set[c] = s[c];
  d.db.forEach((v, i) => (set[`dr${i}`] = v));
  set.dr6 = d.dr6;
  set.dr7 = d.dr7;
  set.xcr0 = xcr0;
  return { set, xcr0 };
}

/** Writes one register of class regs/sregs/debugregs/xcr through its uAPI call (KvmError passes through). */
export function writeRegister(vcpu: VcpuFd, name: string, value: bigint): void {
  switch (registerClass(name)) {
    case 'regs': {
      const r = vcpu.getRegs();
      r[name as keyof KvmRegs] = value;
      vcpu.setRegs(r);
      return;
    }
    case 'sregs': {
      const s = vcpu.getSregs();
      (s as unknown as Record<string, bigint>)[name] = value;
      vcpu.setSregs(s);
      return;
    }
    case 'debugregs': {
      const d = vcpu.getDebugRegs();
      if (name === 'dr6') d.dr6 = value;
      else if (name === 'dr7') d.dr7 = value;
      else d.db[Number(name[2])] = value;
      vcpu.setDebugRegs(d);
      return;
    }
    case 'xcr':
      vcpu.setXcrs({ xcrs: [{ xcr: 0, value }] });
      return;
    default:
      throw new Error(`writeRegister: ${name} is not a regs/sregs/debugregs/xcr register`);
  }
}
