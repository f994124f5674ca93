/**
 * Guest RAM sizes the VMM gives an image (src/core/vmm/run-guest.ts), and so
 * the largest image file worth reading (src/core/loader/image-file.ts).
 */

/** Guest RAM for an ELF guest unless the caller says otherwise. */
export const DEFAULT_GUEST_MEM = 64 << 20;
/** Guest RAM for a raw binary (`load raw`). */
export const RAW_GUEST_MEM = 16 << 20;
/** Guest RAM for a Linux kernel (`--kernel`) unless `--mem` says otherwise. */
export const LINUX_GUEST_MEM = 256 << 20;
