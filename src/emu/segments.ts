/**
 * Segment registers and descriptor reads (SDM Vol. 3 §3.4–3.5). In 64-bit
 * mode only CS's L/D/DPL, SS's DPL, the FS/GS bases and the TR/LDTR system
 * descriptors matter; we keep the full hidden state so it can be shown and
 * moved through `kvm_sregs`.
 */
export class Segment {
  selector = 0;
  /** Base as a canonical linear address (JS number). */
  base = 0;
  limit = 0xffff;
  /** Descriptor type nibble (bits 40–43). */
  type = 0;
  /** S: 1 code/data, 0 system. */
  s = 0;
  dpl = 0;
  present = 0;
  avl = 0;
  /** L: 64-bit code segment. */
  l = 0;
  /** D/B: default operand size / big. */
  db = 0;
  /** G: limit granularity. */
  g = 0;
  unusable = 0;

  copyFrom(o: Segment): void {
    this.selector = o.selector;
    this.base = o.base;
    this.limit = o.limit;
    this.type = o.type;
    this.s = o.s;
    this.dpl = o.dpl;
    this.present = o.present;
    this.avl = o.avl;
    this.l = o.l;
    this.db = o.db;
    this.g = o.g;
    this.unusable = o.unusable;
  }

  /** Load the hidden part from a descriptor's two 32-bit words (base high for system descriptors passed separately). */
  loadDescriptor(selector: number, lo: number, hi: number, baseHigh = 0): void {
    this.selector = selector;
    this.base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
    if (baseHigh !== 0) this.base += baseHigh * 4294967296;
    const rawLimit = (lo & 0xffff) | (hi & 0xf0000);
    this.type = (hi >> 8) & 0xf;
    this.s = (hi >> 12) & 1;
    this.dpl = (hi >> 13) & 3;
    this.present = (hi >> 15) & 1;
    this.avl = (hi >> 20) & 1;
    this.l = (hi >> 21) & 1;
    this.db = (hi >> 22) & 1;
    this.g = (hi >> 23) & 1;
    this.limit = this.g ? rawLimit * 4096 + 0xfff : rawLimit;
    this.unusable = 0;
  }

  /** A null selector load (allowed for data segments and, in 64-bit mode, SS). */
  loadNull(selector: number): void {
    this.selector = selector;
    this.base = 0;
    this.limit = 0;
    this.type = 0;
    this.s = 0;
    this.dpl = selector & 3;
    this.present = 0;
    this.avl = this.l = this.db = this.g = 0;
    this.unusable = 1;
  }
}

/** Segment register names in sreg encoding order. */
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** GDTR / IDTR. */
export class DescriptorTable {
  base = 0;
  limit = 0xffff;
}
