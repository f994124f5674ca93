export { ImageError, parseElf64, readElfFile, readImageBytes, PF_R, PF_W, PF_X, type Elf64, type ElfSymbol, type Segment } from './elf.ts';
export { SymbolTable } from './symbols.ts';
export {
  BOOT_INFO_ADDR, BOOT_INFO_MAGIC, DEFAULT_GUEST_MEM, RAW_GUEST_MEM, GUEST_CR0, GUEST_XCR0, IMAGE_MIN_ADDR, loadElf, loadRaw,
  type BootState, type LoadedImage,
} from './boot.ts';
export { looksLikeBzImage, parseBzImage, type BzImage, type SetupHeader } from './bzimage.ts';
export { e820Map, loadLinux, type E820Entry, type LinuxBootOptions, type LinuxKernel } from './linux-boot.ts';
export { LINUX_GUEST_MEM } from './guest-mem.ts';
