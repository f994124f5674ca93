/**
 * Register identities. GPR indices (0–31, x86 encoding order, R16–R31 being
 * APX's extended GPRs) are a branded type; RIP is not a GPR and has no index,
 * so a GPR accessor cannot be handed RIP (design.md principle 5, after the
 * kvm_gpr_read()/VCPU_REGS_RIP discussion, uapi.md §4.3–4.4).
 */
export type Gpr = number & { readonly __brand: 'Gpr' };

export const RAX = 0 as Gpr;
export const RCX = 1 as Gpr;
export const RDX = 2 as Gpr;
export const RBX = 3 as Gpr;
export const RSP = 4 as Gpr;
export const RBP = 5 as Gpr;
export const RSI = 6 as Gpr;
export const RDI = 7 as Gpr;

/** Number of architectural GPRs including APX's R16–R31. */
export const NUM_GPRS = 32;
/** The legacy GPRs RAX–R15 that exist without APX. */
export const NUM_LEGACY_GPRS = 16;

export const GPR_NAMES: readonly string[] = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  ...Array.from({ length: 24 }, (_, k) => `r${k + 8}`),
];

/** Checked conversion from a plain number (e.g. parsed user input) to a Gpr. */
export function gpr(n: number): Gpr {
  if (!Number.isInteger(n) || n < 0 || n >= NUM_GPRS) throw new RangeError(`no GPR with index ${n}`);
  return n as Gpr;
}

/** Look a GPR up by name (rax, r12, r16 …); undefined when there is none. */
export function gprByName(name: string): Gpr | undefined {
  const k = GPR_NAMES.indexOf(name.toLowerCase());
  return k < 0 ? undefined : (k as Gpr);
}

// RFLAGS bits (SDM Vol. 1 §3.4.3).
export const FLAG_CF = 1 << 0;
export const FLAG_PF = 1 << 2;
export const FLAG_AF = 1 << 4;
export const FLAG_ZF = 1 << 6;
export const FLAG_SF = 1 << 7;
export const FLAG_TF = 1 << 8;
export const FLAG_IF = 1 << 9;
export const FLAG_DF = 1 << 10;
export const FLAG_OF = 1 << 11;
export const FLAG_IOPL = 3 << 12;
export const FLAG_NT = 1 << 14;
export const FLAG_RF = 1 << 16;
export const FLAG_VM = 1 << 17;
export const FLAG_AC = 1 << 18;
export const FLAG_VIF = 1 << 19;
export const FLAG_VIP = 1 << 20;
export const FLAG_ID = 1 << 21;
/** The six status flags computed by arithmetic. */
export const ARITH_FLAGS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

// Control-register and EFER bits (SDM Vol. 3 §2.5, §2.2.1).
export const CR0_PE = 1 << 0;
export const CR0_MP = 1 << 1;
export const CR0_EM = 1 << 2;
export const CR0_TS = 1 << 3;
export const CR0_ET = 1 << 4;
export const CR0_NE = 1 << 5;
export const CR0_WP = 1 << 16;
export const CR0_AM = 1 << 18;
export const CR0_NW = 1 << 29;
export const CR0_CD = 1 << 30;
export const CR0_PG = 2 ** 31;
export const CR4_PSE = 1 << 4;
export const CR4_PAE = 1 << 5;
export const CR4_PGE = 1 << 7;
export const CR4_OSFXSR = 1 << 9;
export const CR4_OSXMMEXCPT = 1 << 10;
export const CR4_FSGSBASE = 1 << 16;
export const CR4_PCIDE = 1 << 17;
export const CR4_SMEP = 1 << 20;
export const CR4_SMAP = 1 << 21;
export const CR4_OSXSAVE = 1 << 18;
export const EFER_SCE = 1 << 0;
export const EFER_LME = 1 << 8;
export const EFER_LMA = 1 << 10;
export const EFER_NXE = 1 << 11;

// XCR0 components (asm/fpu/types.h; uapi.md §4.1).
export const XCR0_X87 = 1 << 0;
export const XCR0_SSE = 1 << 1;
export const XCR0_YMM = 1 << 2;
export const XCR0_APX = 1 << 19;
