/**
 * The page-table base of a CR3 value: bits 51:12 (SDM Vol. 3A 4.5, Table
 * 4-14; with CR4.PCIDE bits 11:0 are the PCID, and bit 63 asks a MOV to CR3
 * not to flush). Process tables key address spaces by it, so a kernel that
 * uses PCIDs still names each one once.
 */
export const CR3_BASE_MASK = 0x000f_ffff_ffff_f000n;

export function cr3Base(cr3: bigint): bigint {
  return cr3 & CR3_BASE_MASK;
}
