/**
 * Test machine for src/emu unit tests: a Cpu in 64-bit long mode at CPL 0
 * with the first 1 GiB identity-mapped (2 MiB pages, user-accessible, RW), a
 * flat GDT (null, kernel code 0x08, kernel data 0x10, user data 0x1b, user
 * code 0x23, TSS 0x28), an IDT at IDT_BASE (empty until a test fills it) and
 * the code at CODE. Every exception exits unless a test clears its bit.
 */
import { Cpu } from '../../src/emu/cpu.ts';
import { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../../src/emu/insn.ts';
import { RSP, type Gpr } from '../../src/emu/regs.ts';

export const PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000;
export const GDT_BASE = 0x5000, IDT_BASE = 0x6000, TSS_BASE = 0x7000;
export const CODE = 0x100000, DATA = 0x200000, STACK_TOP = 0x300000;

export interface MachineOptions {
  memSize?: number;
  /** Leave exceptions to the guest IDT instead of exiting. */
  deliverExceptions?: boolean;
}

export function makeMachine(code: ArrayLike<number>, opts: MachineOptions = {}): Cpu {
  const cpu = new Cpu(opts.memSize ?? 16 * 1024 * 1024);
  const dv = cpu.mem.dv, u8 = cpu.mem.u8;
  // Paging: PML4[0] -> PDPT, PDPT[0] -> PD, PD[n] = 2 MiB pages (P|RW|US|PS).
  dv.setUint32(PML4, PDPT | 7, true);
  dv.setUint32(PDPT, PD | 7, true);
  for (let n = 0; n < 512; n++) dv.setUint32(PD + n * 8, (n * 0x200000 + 0x87) >>> 0, true);
  // GDT.
  const gdt: [number, number][] = [
    [0, 0],
    [0x0000ffff, 0x00af9b00], // 0x08 kernel code: L=1, P, DPL0, type B
    [0x0000ffff, 0x00cf9300], // 0x10 kernel data
    [0x0000ffff, 0x00cff300], // 0x18 user data (DPL3)
    [0x0000ffff, 0x00affb00], // 0x20 user code (DPL3, L=1)
    [0x00000067 | ((TSS_BASE & 0xffff) << 16), ((TSS_BASE >> 16) & 0xff) | 0x8900 | (TSS_BASE & 0xff000000)], // 0x28 TSS
    [0, 0], // TSS base high
  ];
  gdt.forEach(([lo, hi], k) => {
    dv.setUint32(GDT_BASE + 8 * k, lo >>> 0, true);
    dv.setUint32(GDT_BASE + 8 * k + 4, hi >>> 0, true);
  });
  cpu.gdtr.base = GDT_BASE;
  cpu.gdtr.limit = gdt.length * 8 - 1;
  cpu.idtr.base = IDT_BASE;
  cpu.idtr.limit = 0xfff;
  cpu.tr.loadDescriptor(0x28, gdt[5][0], gdt[5][1]);
  cpu.seg[SEG_CS].loadDescriptor(0x08, gdt[1][0], gdt[1][1]);
  for (const s of [SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS]) cpu.seg[s].loadDescriptor(0x10, gdt[2][0], gdt[2][1]);
  cpu.cr0 = 0x80050033;
  cpu.cr3 = PML4;
  cpu.cr4 = 0x40620;
  cpu.efer = 0xd01;
  cpu.xcr0 = 3;
  cpu.syncMode();
  cpu.rip = CODE;
  cpu.r[2 * RSP] = STACK_TOP;
  u8.set(Array.from(code), CODE);
  cpu.ctl.exceptionBitmap = opts.deliverExceptions ? 0 : 0xffffffff;
  return cpu;
}

/** Run until an exit other than the budget (or fail after `budget` instructions). */
export function runToExit(cpu: Cpu, budget = 1_000_000) {
  const exit = cpu.run(budget);
  return exit;
}

export function reg(cpu: Cpu, g: Gpr): bigint {
  return cpu.getGpr(g);
}
