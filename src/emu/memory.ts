/**
 * Guest-physical memory: one flat RAM buffer from address 0 (style.md src/emu
 * §6), plus a hook for accesses outside RAM (MMIO), which the hypervisor turns
 * into KVM_EXIT_MMIO.
 */
export interface MmioHandler {
  /** Read `size` bytes (1, 2, 4) at a physical address outside RAM. */
  read(pa: number, size: number): number;
  write(pa: number, size: number, value: number): void;
  /**
   * One instruction byte outside RAM. Optional: without it, code is fetched
   * with `read`. A hypervisor answers with a memory slot's byte, or raises a
   * VM-exit where no memory backs the address (KVM cannot execute MMIO).
   */
  fetch?(pa: number): number;
}

/** Default bus for addresses outside RAM: reads float high, writes vanish. */
export const OPEN_BUS: MmioHandler = {
  read: (_pa, size) => (size === 4 ? -1 : (1 << (size * 8)) - 1),
  write: () => {},
};

export class PhysMemory {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly size: number;

  /** Wrap an existing buffer (e.g. shared with a VMM) or allocate `size` bytes. */
  constructor(sizeOrBuffer: number | ArrayBuffer) {
    const buf = typeof sizeOrBuffer === 'number' ? new ArrayBuffer(sizeOrBuffer) : sizeOrBuffer;
    if (buf.byteLength % 4096 !== 0) throw new RangeError('guest RAM size must be a multiple of 4 KiB');
    if (buf.byteLength > 2 ** 31) throw new RangeError('guest RAM above 2 GiB is not supported');
    this.u8 = new Uint8Array(buf);
    this.dv = new DataView(buf);
    this.size = buf.byteLength;
  }
}
