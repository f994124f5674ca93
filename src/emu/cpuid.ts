/**
 * CPUID of the emulated CPU (SDM Vol. 2 CPUID). The leaf map lives in
 * `cpu.cpuid`, keyed by `cpuidKey(leaf, subleaf)`: lowercase hex without a
 * prefix, plus `:subleaf` (hex) for the leaves whose output depends on ECX
 * (`SUBLEAF_LEAVES`, the same set KVM marks KVM_CPUID_FLAG_SIGNIFCANT_INDEX).
 * Missing leaves read as zeros. A few bits are dynamic and patched in when
 * CPUID executes (`cpuidRead`): CPUID.1:ECX.OSXSAVE mirrors CR4.OSXSAVE and
 * CPUID.(0xD,0):EBX is the XSAVE area size for the current XCR0.
 *
 * The default leaf set describes this CPU honestly: only what the emulator
 * implements is advertised. The x87 FPU (FPU; FCMOV through CMOV + FPU),
 * FXSAVE/FXRSTOR (FXSR) and the XSAVE feature set (XSAVE, XSAVEOPT, XSAVEC,
 * XSAVES, XGETBV with ECX = 1; exec/xsave.ts) exist; the XSAVE components
 * are x87, SSE and APX (XCR0 bit 19, CPUID.(7,1):EDX[21]: R16–R31 and REX2).
 * No supervisor components exist, so IA32_XSS can only hold 0.
 * CPUID.(0xD,1):EBX, the compacted size for XCR0 | IA32_XSS, is dynamic too.
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 are implemented (exec/sse-*.ts;
 * CRC32 and the PCMPxSTRx of SSE4.2 included; MMX in exec/sse-mmx.ts).
 * AVX/AVX2 are clear: their VEX encodings are #UD.
 */
import type { CpuidLeaf } from './cpu.ts';
import { APX_SIZE, APX_STD_OFFSET, compactedSize, EXT_OFFSET, XSTATE_SUPPORTED } from './fpu/xstate.ts';

/** Leaves indexed by ECX (subleaf). */
export const SUBLEAF_LEAVES: ReadonlySet<number> = new Set([
  0x4, 0x7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x24, 0x8000001d, 0x80000020,
]);

/** The map key for a leaf/subleaf (subleaf ignored for leaves not indexed by ECX). */
export function cpuidKey(leaf: number, subleaf = 0): string {
  const l = leaf >>> 0;
  return SUBLEAF_LEAVES.has(l) ? `${l.toString(16)}:${(subleaf >>> 0).toString(16)}` : l.toString(16);
}

// Feature bits (SDM Vol. 2 CPUID, Tables 3-10/3-11 and leaf 7/0x80000001).
export const CPUID1_EDX_FPU = 1 << 0;
export const CPUID1_EDX_DE = 1 << 2;
export const CPUID1_EDX_TSC = 1 << 4;
export const CPUID1_EDX_MSR = 1 << 5;
export const CPUID1_EDX_PAE = 1 << 6;
export const CPUID1_EDX_PGE = 1 << 13;
export const CPUID1_EDX_CMOV = 1 << 15;
export const CPUID1_EDX_FXSR = 1 << 24;
/** Local APIC and its TSC-deadline timer mode: not the bare CPU's, the hypervisor's in-kernel LAPIC adds them. */
export const CPUID1_EDX_APIC = 1 << 9;
export const CPUID1_ECX_TSC_DEADLINE = 1 << 24;
// ---- integer (intgaps): the bits of what exec/bmi.ts, intext.ts, system-*.ts, hint.ts implement
export const CPUID1_EDX_CX8 = 1 << 8;
export const CPUID1_EDX_CLFSH = 1 << 19;
export const CPUID1_ECX_CX16 = 1 << 13;
export const CPUID1_ECX_PCID = 1 << 17;
export const CPUID1_ECX_MOVBE = 1 << 22;
export const CPUID1_ECX_RDRAND = 1 << 30;
/** CPUID.1:EBX[15:8]: CLFLUSH line size in 8-byte units (64 bytes). */
export const CPUID1_EBX_CLFLUSH_64 = 8 << 8;
export const CPUID7_EBX_FSGSBASE = 1 << 0;
export const CPUID7_EBX_BMI1 = 1 << 3;
export const CPUID7_EBX_SMEP = 1 << 7;
export const CPUID7_EBX_BMI2 = 1 << 8;
export const CPUID7_EBX_INVPCID = 1 << 10;
export const CPUID7_EBX_RDSEED = 1 << 18;
export const CPUID7_EBX_ADX = 1 << 19;
export const CPUID7_EBX_SMAP = 1 << 20;
export const CPUID7_EBX_CLFLUSHOPT = 1 << 23;
export const CPUID7_ECX_RDPID = 1 << 22;
export const CPUID1_EDX_MMX = 1 << 23;
export const CPUID1_EDX_SSE = 1 << 25;
export const CPUID1_EDX_SSE2 = 1 << 26;
export const CPUID1_ECX_SSE3 = 1 << 0;
export const CPUID1_ECX_SSSE3 = 1 << 9;
export const CPUID1_ECX_SSE41 = 1 << 19;
export const CPUID1_ECX_SSE42 = 1 << 20;
export const CPUID1_ECX_POPCNT = 1 << 23;
export const CPUID1_ECX_XSAVE = 1 << 26;
export const CPUID1_ECX_OSXSAVE = 1 << 27;
export const CPUID7_1_EDX_APX_F = 1 << 21;
export const EXT1_ECX_LAHF = 1 << 0;
export const EXT1_ECX_ABM = 1 << 5; // LZCNT
export const EXT1_EDX_SYSCALL = 1 << 11;
export const EXT1_EDX_NX = 1 << 20;
export const EXT1_EDX_PAGE1GB = 1 << 26;
export const EXT1_EDX_RDTSCP = 1 << 27;
export const EXT1_EDX_LM = 1 << 29;

/** XCR0 components this CPU supports: x87, SSE and APX (fpu/xstate.ts). */
export const SUPPORTED_XCR0 = XSTATE_SUPPORTED;
export const D1_EAX_XSAVEOPT = 1 << 0, D1_EAX_XSAVEC = 1 << 1, D1_EAX_XGETBV1 = 1 << 2, D1_EAX_XSAVES = 1 << 3;
/** XSAVE layout (standard format): legacy region + header = 576 bytes; APX at 960, 128 bytes. */
const XSAVE_LEGACY_SIZE = EXT_OFFSET, APX_OFFSET = APX_STD_OFFSET;

/** Physical and linear address widths reported in CPUID 0x80000008 (and used for reserved-bit checks). */
export const MAXPHYADDR = 48;

function str4(s: string, k: number): number {
  let v = 0;
  for (let j = 0; j < 4; j++) v |= (s.charCodeAt(k + j) || 0) << (8 * j);
  return v;
}

export const VENDOR = 'VdbgEmulated';
export const BRAND = 'vdbg emulated x86-64 CPU';

export function defaultCpuid(): Map<string, CpuidLeaf> {
  const m = new Map<string, CpuidLeaf>();
  const set = (leaf: number, sub: number, v: CpuidLeaf) => m.set(cpuidKey(leaf, sub), v);
  // Leaf 0: max basic leaf, vendor in EBX, EDX, ECX.
  set(0, 0, [0xd, str4(VENDOR, 0), str4(VENDOR, 8), str4(VENDOR, 4)]);
  // Leaf 1: family 6, model 0, stepping 0; no APIC/x2APIC.
  set(1, 0, [
    0x600, CPUID1_EBX_CLFLUSH_64,
    CPUID1_ECX_SSE3 | CPUID1_ECX_SSSE3 | CPUID1_ECX_SSE41 | CPUID1_ECX_SSE42 | CPUID1_ECX_POPCNT | CPUID1_ECX_XSAVE |
      CPUID1_ECX_CX16 | CPUID1_ECX_PCID | CPUID1_ECX_MOVBE | CPUID1_ECX_RDRAND,
    CPUID1_EDX_FPU | CPUID1_EDX_DE | CPUID1_EDX_TSC | CPUID1_EDX_MSR | CPUID1_EDX_PAE | CPUID1_EDX_CX8 | CPUID1_EDX_PGE |
      CPUID1_EDX_CMOV | CPUID1_EDX_CLFSH | CPUID1_EDX_MMX | CPUID1_EDX_FXSR | CPUID1_EDX_SSE | CPUID1_EDX_SSE2,
  ]);
  // Leaf 7: subleaf 0 (EAX = max subleaf 1): BMI1/BMI2 (VEX, exec/bmi.ts; TZCNT too),
  // ADX, RDSEED, RDPID, FSGSBASE, SMEP/SMAP, INVPCID, CLFLUSHOPT; subleaf 1 EDX APX_F.
  set(7, 0, [
    1,
    CPUID7_EBX_FSGSBASE | CPUID7_EBX_BMI1 | CPUID7_EBX_SMEP | CPUID7_EBX_BMI2 | CPUID7_EBX_INVPCID | CPUID7_EBX_RDSEED |
      CPUID7_EBX_ADX | CPUID7_EBX_SMAP | CPUID7_EBX_CLFLUSHOPT,
    CPUID7_ECX_RDPID,
    0,
  ]);
  set(7, 1, [0, 0, 0, CPUID7_1_EDX_APX_F]);
  // Leaf 0xD: XSAVE features. Subleaf 0: supported XCR0 (EDX:EAX), size for current XCR0 (EBX, dynamic), max size (ECX).
  set(0xd, 0, [SUPPORTED_XCR0, XSAVE_LEGACY_SIZE, APX_OFFSET + APX_SIZE, 0]);
  // Subleaf 1: EAX = XSAVEOPT (0), XSAVEC (1), XGETBV with ECX = 1 (2), XSAVES/XRSTORS + IA32_XSS (3);
  // EBX = compacted size for XCR0 | IA32_XSS (dynamic); ECX/EDX = IA32_XSS bits supported (none).
  set(0xd, 1, [D1_EAX_XSAVEOPT | D1_EAX_XSAVEC | D1_EAX_XGETBV1 | D1_EAX_XSAVES, XSAVE_LEGACY_SIZE, 0, 0]);
  // Subleaf 19: the APX component, 128 bytes at offset 960 (user state: ECX = 0).
  set(0xd, 19, [APX_SIZE, APX_OFFSET, 0, 0]);
  // Extended leaves.
  set(0x80000000, 0, [0x80000008, 0, 0, 0]);
  set(0x80000001, 0, [
    0, 0,
    EXT1_ECX_LAHF | EXT1_ECX_ABM,
    EXT1_EDX_SYSCALL | EXT1_EDX_NX | EXT1_EDX_PAGE1GB | EXT1_EDX_RDTSCP | EXT1_EDX_LM,
  ]);
  const brand = BRAND.padEnd(48, '\0');
  for (let k = 0; k < 3; k++) {
    const o = 16 * k;
    set(0x80000002 + k, 0, [str4(brand, o), str4(brand, o + 4), str4(brand, o + 8), str4(brand, o + 12)]);
  }
  set(0x80000008, 0, [MAXPHYADDR | (48 << 8), 0, 0, 0]);
  return m;
}

const ZERO: CpuidLeaf = [0, 0, 0, 0];

/** The stored leaf (zeros if missing). */
export function cpuidLeaf(map: ReadonlyMap<string, CpuidLeaf>, leaf: number, subleaf = 0): CpuidLeaf {
  return map.get(cpuidKey(leaf, subleaf)) ?? ZERO;
}

/** XSAVE area size (standard format) for the components enabled in `xcr0`. */
export function xsaveSize(map: ReadonlyMap<string, CpuidLeaf>, xcr0: number): number {
  let size = XSAVE_LEGACY_SIZE;
  for (let c = 2; c < 32; c++) {
    if (((xcr0 >>> c) & 1) === 0) continue;
    const [sz, off] = cpuidLeaf(map, 0xd, c);
    size = Math.max(size, off + sz);
  }
  return size;
}

/** What CPUID returns for EAX = leaf, ECX = subleaf, with the dynamic bits applied. */
export function cpuidRead(
  map: ReadonlyMap<string, CpuidLeaf>, leaf: number, subleaf: number, osxsave: boolean, xcr0: number,
): CpuidLeaf {
  const v = cpuidLeaf(map, leaf, subleaf);
  const l = leaf >>> 0;
  if (l === 1) {
    const ecx = (v[2] & ~CPUID1_ECX_OSXSAVE) | (osxsave && v[2] & CPUID1_ECX_XSAVE ? CPUID1_ECX_OSXSAVE : 0);
    return [v[0], v[1], ecx, v[3]];
  }
  if (l === 0xd && subleaf >>> 0 === 0 && v[0] !== 0) return [v[0], xsaveSize(map, xcr0), v[2], v[3]];
  if (l === 0xd && subleaf >>> 0 === 1 && v[0] & D1_EAX_XSAVEC) return [v[0], compactedSize(xcr0), v[2], v[3]];
  return v;
}

/** A feature bit of a leaf's register (0 EAX, 1 EBX, 2 ECX, 3 EDX). */
export function hasFeature(map: ReadonlyMap<string, CpuidLeaf>, leaf: number, subleaf: number, reg: number, bit: number): boolean {
  return ((cpuidLeaf(map, leaf, subleaf)[reg] >>> bit) & 1) === 1;
}
