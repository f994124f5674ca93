/**
 * Variable-length uAPI structs with a flexible array member
 * (arch/x86/include/uapi/asm/kvm.h): struct kvm_cpuid2 { __u32 nent; __u32
 * padding; struct kvm_cpuid_entry2 entries[]; } and struct kvm_msrs { __u32
 * nmsrs; __u32 pad; struct kvm_msr_entry entries[]; }. The header is 8 bytes
 * in both; the ioctl number encodes only the header size.
 */
import { array, at, struct, u32, u64, toDataView, type ByteSource, type LayoutValue } from './layout.ts';

export const FAM_HEADER_SIZE = 8;

/** struct kvm_cpuid_entry2; bytes 28..39 are `padding[3]`. */
export const kvmCpuidEntry2 = struct('kvm_cpuid_entry2', 40, {
  function: at(0, u32),
  index: at(4, u32),
  flags: at(8, u32),
  eax: at(12, u32),
  ebx: at(16, u32),
  ecx: at(20, u32),
  edx: at(24, u32),
});
export type CpuidEntry = LayoutValue<typeof kvmCpuidEntry2>;

/** kvm_cpuid_entry2.flags bit (asm/kvm.h; the misspelling is Linux's). */
export const KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;

/** KVM_MAX_CPUID_ENTRIES (arch/x86/include/asm/kvm_host.h): KVM rejects nent above it with E2BIG. */
export const KVM_MAX_CPUID_ENTRIES = 256;

export const kvmCpuid2Header = struct('kvm_cpuid2', FAM_HEADER_SIZE, { nent: at(0, u32) });

/** struct kvm_msr_entry; bytes 4..7 are `reserved`. */
export const kvmMsrEntry = struct('kvm_msr_entry', 16, {
  index: at(0, u32),
  data: at(8, u64),
});
export type MsrEntry = LayoutValue<typeof kvmMsrEntry>;

export const kvmMsrsHeader = struct('kvm_msrs', FAM_HEADER_SIZE, { nmsrs: at(0, u32) });

/** A kvm_cpuid2 buffer holding `entries`, or room for `entries` zeroed ones when given a count. */
export function encodeCpuid2(entries: readonly CpuidEntry[] | number): Uint8Array {
  const list = typeof entries === 'number' ? [] : entries;
  const n = typeof entries === 'number' ? entries : entries.length;
  return encodeFam(kvmCpuid2Header, 'nent', kvmCpuidEntry2, list, n);
}

export function decodeCpuid2(src: ByteSource): CpuidEntry[] {
  const n = kvmCpuid2Header.get(src, 'nent');
  return array(kvmCpuidEntry2, n).read(toDataView(src), FAM_HEADER_SIZE);
}

export function encodeMsrs(entries: readonly MsrEntry[]): Uint8Array {
  return encodeFam(kvmMsrsHeader, 'nmsrs', kvmMsrEntry, entries, entries.length);
}

/** Decodes the first `count` entries (KVM_GET/SET_MSRS return how many they processed). */
export function decodeMsrs(src: ByteSource, count = kvmMsrsHeader.get(src, 'nmsrs')): MsrEntry[] {
  return array(kvmMsrEntry, count).read(toDataView(src), FAM_HEADER_SIZE);
}

function encodeFam<H extends string, E>(
  header: { encodeInto(v: Record<H, number>, d: Uint8Array): void },
  countField: H,
  entry: { size: number; encodeInto(v: E, d: Uint8Array, o: number): void },
  entries: readonly E[],
  count: number,
): Uint8Array {
  const out = new Uint8Array(FAM_HEADER_SIZE + count * entry.size);
  header.encodeInto({ [countField]: count } as Record<H, number>, out);
  entries.forEach((e, i) => entry.encodeInto(e, out, FAM_HEADER_SIZE + i * entry.size));
  return out;
}
