/**
 * XCR0 and APX's R16–R31 of one vCPU (uapi.md §4.1–4.3).
 *
 * The emulated host is real state: its XCR0 (x87|SSE unless a test sets it)
 * and its R16–R31 (a non-zero pattern) live here and in the CPU's hardware
 * registers (`cpu.xcr0`, `cpu.r[32..63]`) whenever the guest is not running.
 *
 * - XSETBV always exits (`cpu.ctl.xsetbv`); `setXcr` applies KVM's
 *   `__kvm_set_xcr` rules against the guest CPUID (set by KVM_SET_CPUID2).
 * - Entry (kvm_load_xfeatures(vcpu, true)): hardware XCR0 is written only
 *   when the guest has CR4.OSXSAVE and its XCR0 differs from the host's.
 * - R16–R31 are swapped only when the XCR0 the guest runs with has APX
 *   (Sean, 6 Apr 2026: "_conditionally_ context switch R16-R31"): otherwise
 *   the guest cannot reach them (#UD on REX2) and the host's values stay.
 *   In at entry after the XCR0 load, out at exit before the XCR0 restore,
 *   so the swap always runs with XCR0.APX = 1 (Andrew Cooper's PUSH2/POP2 point).
 * - The guest's R16–R31 are kept in `egprs` between runs: zero at creation
 *   (the first 0→1 sees zeros), retained across 1→0→1 (Chang, 25 Mar 2026).
 */
import type { Counters } from '../counters.ts';
import type { Cpu, CpuidLeaf } from '../../emu/cpu.ts';
import { cpuidLeaf, CPUID7_1_EDX_APX_F, SUPPORTED_XCR0 } from '../../emu/cpuid.ts';
import { CR4_OSXSAVE, XCR0_APX } from '../../emu/regs.ts';

// XFEATURE masks (asm/fpu/types.h; uapi.md §4.1).
export const XFEATURE_FP = 0x1n;
export const XFEATURE_SSE = 0x2n;
export const XFEATURE_YMM = 0x4n;
export const XFEATURE_BNDREGS = 0x8n;
export const XFEATURE_BNDCSR = 0x10n;
export const XFEATURE_AVX512 = 0xe0n;
export const XFEATURE_XTILE = 0x60000n;
export const XFEATURE_APX = 0x80000n;

/** The emulated host's default XCR0: x87 | SSE. */
export const HOST_XCR0_DEFAULT = 0x3n;

const NUM_EGPRS = 16;
const EGPR_BASE = 32; // cpu.r index of R16's low half

/** The host's R16–R31: a recognisable non-zero pattern (R16 = 0x4855_5354_0000_0010 …, "HOST"). */
export function hostEgprPattern(): BigUint64Array {
  const a = new BigUint64Array(NUM_EGPRS);
  for (let k = 0; k < NUM_EGPRS; k++) a[k] = 0x484f5354_00000000n | BigInt(16 + k);
  return a;
}

function readEgprs(cpu: Cpu, into: BigUint64Array): void {
  for (let k = 0; k < NUM_EGPRS; k++) {
    const lo = cpu.r[EGPR_BASE + 2 * k] >>> 0, hi = cpu.r[EGPR_BASE + 2 * k + 1] >>> 0;
    into[k] = (BigInt(hi) << 32n) | BigInt(lo);
  }
}

function writeEgprs(cpu: Cpu, from: BigUint64Array): void {
  for (let k = 0; k < NUM_EGPRS; k++) {
    cpu.r[EGPR_BASE + 2 * k] = Number(from[k] & 0xffffffffn) | 0;
    cpu.r[EGPR_BASE + 2 * k + 1] = Number(from[k] >> 32n) | 0;
  }
}

export class XcrState {
  /** Guest XCR0 (arch.xcr0); reset value XFEATURE_MASK_FP. */
  xcr0 = XFEATURE_FP;
  /** The emulated host's XCR0 (kvm_host.xcr0). */
  hostXcr0 = HOST_XCR0_DEFAULT;
  /** The guest's R16–R31 while they are not in hardware. */
  readonly egprs = new BigUint64Array(NUM_EGPRS);
  /** The host's R16–R31 while the guest's are in hardware. */
  readonly hostEgprs = hostEgprPattern();
  /** The guest's R16–R31 are in hardware (between an entry and the next exit). */
  private apxLive = false;

  constructor(
    private readonly cpu: Cpu,
    private readonly counters: Counters,
    /** The guest CPUID table (KVM_SET_CPUID2). */
    private readonly guestCpuid: () => ReadonlyMap<string, CpuidLeaf>,
  ) {
    // Outside the guest the hardware holds the host's state.
    cpu.xcr0 = Number(this.hostXcr0);
    writeEgprs(cpu, this.hostEgprs);
    cpu.ctl.xsetbv = true; // XSETBV always exits
  }

  /** Change the host's XCR0 (tests); only while the guest is not running. */
  setHostXcr0(v: bigint): void {
    this.hostXcr0 = v;
    this.cpu.xcr0 = Number(v);
  }

  /**
   * guest_supported_xcr0: CPUID.(0xD,0) EDX:EAX of the guest ∩ what the
   * host supports (KVM_SUPPORTED_XCR0 ∩ the CPU); APX only with APX_F in
   * CPUID.(7,1):EDX (Chang's APX series).
   */
  guestSupportedXcr0(): bigint {
    const t = this.guestCpuid();
    const [eax, , , edx] = cpuidLeaf(t, 0xd, 0);
    let sup = ((BigInt(edx >>> 0) << 32n) | BigInt(eax >>> 0)) & BigInt(SUPPORTED_XCR0);
    if ((cpuidLeaf(t, 7, 1)[3] & CPUID7_1_EDX_APX_F) === 0) sup &= ~XFEATURE_APX;
    return sup;
  }

  /** __kvm_set_xcr (x86.c): false on any rule of uapi.md §4.1 (the caller injects #GP / returns EINVAL). */
  setXcr(index: number, v: bigint): boolean {
    if (index !== 0) return false;
    if (!(v & XFEATURE_FP)) return false;
    if (v & XFEATURE_YMM && !(v & XFEATURE_SSE)) return false;
    if (v & ~(this.guestSupportedXcr0() | XFEATURE_FP)) return false;
    if (!(v & XFEATURE_BNDREGS) !== !(v & XFEATURE_BNDCSR)) return false;
    if (v & XFEATURE_AVX512) {
      if (!(v & XFEATURE_YMM)) return false;
      if ((v & XFEATURE_AVX512) !== XFEATURE_AVX512) return false;
    }
    if (v & XFEATURE_XTILE && (v & XFEATURE_XTILE) !== XFEATURE_XTILE) return false;
    if (v & XFEATURE_BNDREGS && v & XFEATURE_APX) return false; // Chang's APX patch 13: MPX and APX conflict
    this.xcr0 = v;
    return true;
  }

  // ---------------------------------------------------------- entry / exit
  /** kvm_load_xfeatures(vcpu, true), then the conditional R16–R31 swap in. */
  enter(): void {
    const cpu = this.cpu;
    if ((cpu.cr4 & CR4_OSXSAVE) !== 0 && this.xcr0 !== this.hostXcr0) {
      cpu.xcr0 = Number(this.xcr0);
      this.counters.inc('xcr0.write');
    }
    if ((cpu.xcr0 & XCR0_APX) !== 0) {
      readEgprs(cpu, this.hostEgprs);
      writeEgprs(cpu, this.egprs);
      this.apxLive = true;
      this.counters.inc('apx.swap');
    }
  }

  /** The R16–R31 swap out (still under the guest's XCR0), then kvm_load_xfeatures(vcpu, false). */
  exit(): void {
    const cpu = this.cpu;
    if (this.apxLive) {
      readEgprs(cpu, this.egprs);
      writeEgprs(cpu, this.hostEgprs);
      this.apxLive = false;
      this.counters.inc('apx.swap');
    }
    if (BigInt(cpu.xcr0) !== this.hostXcr0) {
      cpu.xcr0 = Number(this.hostXcr0);
      this.counters.inc('xcr0.write');
    }
  }

  /** Test view: hardware vs guest vs host XCR0 and R16–R31. */
  view(): { hardwareXcr0: bigint; guestXcr0: bigint; hostXcr0: bigint; hardwareEgprs: bigint[]; guestEgprs: bigint[]; hostEgprs: bigint[] } {
    const hw = new BigUint64Array(NUM_EGPRS);
    readEgprs(this.cpu, hw);
    return {
      hardwareXcr0: BigInt(this.cpu.xcr0),
      guestXcr0: this.xcr0,
      hostXcr0: this.hostXcr0,
      hardwareEgprs: [...hw],
      guestEgprs: [...this.egprs],
      hostEgprs: [...this.hostEgprs],
    };
  }
}
