/**
 * kvm_is_valid_cr4 (arch/x86/kvm/x86.c) for this vCPU: CR4 bits KVM never
 * lets a guest set (CR4_RESERVED_BITS, arch/x86/include/asm/kvm_host.h), and
 * the bits of features the vCPU's CPUID does not report
 * (__cr4_reserved_bits over guest_cpu_cap_has, x86.h). KVM_SET_SREGS fails
 * with EINVAL for either, as KVM_SET_SREGS on /dev/kvm does.
 */
import type { CpuidLeaf } from '../../emu/cpu.ts';
import { cpuidLeaf } from '../../emu/cpuid.ts';

const bit = (n: number): bigint => 1n << BigInt(n);
const VME = bit(0), PVI = bit(1), TSD = bit(2), DE = bit(3), PSE = bit(4), PAE = bit(5), MCE = bit(6), PGE = bit(7), PCE = bit(8);
const OSFXSR = bit(9), OSXMMEXCPT = bit(10), UMIP = bit(11), LA57 = bit(12), VMXE = bit(13), FSGSBASE = bit(16), PCIDE = bit(17);
const OSXSAVE = bit(18), SMEP = bit(20), SMAP = bit(21), PKE = bit(22), CET = bit(23), LAM_SUP = bit(28);

/** CR4_RESERVED_BITS: everything but the bits KVM knows. */
const KNOWN = VME | PVI | TSD | DE | PSE | PAE | MCE | PGE | PCE | OSFXSR | PCIDE | OSXSAVE | SMEP | FSGSBASE | OSXMMEXCPT | LA57 | VMXE | SMAP | PKE | UMIP | LAM_SUP | CET;

/** The CR4 bits this vCPU may not set; a set bit in `cr4` & this is EINVAL. */
export function cr4ReservedBits(cpuid: ReadonlyMap<string, CpuidLeaf>): bigint {
  const [, , ecx1] = cpuidLeaf(cpuid, 1);
  const [, ebx7, ecx7, edx7] = cpuidLeaf(cpuid, 7, 0);
  const [eax71] = cpuidLeaf(cpuid, 7, 1);
  const has = (reg: number, n: number): boolean => ((reg >>> n) & 1) === 1;
  let reserved = ((1n << 64n) - 1n) & ~KNOWN;
  if (!has(ecx1, 26)) reserved |= OSXSAVE; // XSAVE
  if (!has(ebx7, 7)) reserved |= SMEP;
  if (!has(ebx7, 20)) reserved |= SMAP;
  if (!has(ebx7, 0)) reserved |= FSGSBASE;
  if (!has(ecx7, 3)) reserved |= PKE; // PKU
  if (!has(ecx7, 16)) reserved |= LA57;
  if (!has(ecx7, 2)) reserved |= UMIP;
  if (!has(ecx1, 5)) reserved |= VMXE; // VMX
  if (!has(ecx1, 17)) reserved |= PCIDE;
  if (!has(eax71, 26)) reserved |= LAM_SUP; // LAM
  if (!has(ecx7, 7) && !has(edx7, 20)) reserved |= CET; // SHSTK, IBT
  return reserved;
}
