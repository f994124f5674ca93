/**
 * System-level differential cases: a hand-written user-mode (CPL 3) program
 * plus ring-0 handlers, run to the first HLT on the real CPU (runOnKvm) and on
 * the emulator (runOnEmu) from the same image, then compared field by field:
 * the exit, all registers, CS/SS selectors, CR2, and every byte of the data
 * area, the user stack and the ring-0 stack (which holds the interrupt frame).
 *
 * Each case also states what the SDM says the result is. The emulator must
 * match it; so must the hardware, except for fields the case declares as a
 * known kvm_pvm deviation — there the hardware's value is printed next to the
 * SDM's, and on a VMX/SVM host (no PVM) a mismatch fails like any other.
 */
import { kvmHost } from '../../../src/core/kvm/host.ts';
import { runOnKvm } from '../../support/run-on-kvm.ts';
import { runOnEmu } from '../../support/run-on-emu.ts';
import type { MsrEntry } from '../../../src/core/uapi/fam.ts';
import { BOOT_PT_ADDR } from '../../../src/core/boot/longmode.ts';
import { baseImage, userState, writeGate } from './machine.ts';
import { CODE, COMPARED_RANGES, HANDLERS, HANDLER_STRIDE, IF, MEM_SIZE, USTACK_TOP } from './layout.ts';

export const PVM = kvmHost().modules.includes('kvm_pvm');

/** Custom ring-0 code goes here (vector stubs live at HANDLERS). */
export const KCODE = 0x19000;

export interface SysCase {
  /** user code at CODE */
  user: number[];
  /** initial GPRs by encoding index (RSP defaults to USTACK_TOP) */
  regs?: Record<number, bigint>;
  rflags?: bigint;
  /** ring-0 code at KCODE (e.g. a handler longer than the stubs) */
  kernel?: number[];
  /** IDT changes: vector → target (default its stub) and DPL */
  gates?: { vector: number; target?: number; dpl: number }[];
  /** edit guest memory (page tables…) before the run */
  setup?: (mem: Uint8Array) => void;
  msrs?: MsrEntry[];
}

export type Fields = Map<string, bigint | string>;

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

/** The stub address of `vector` (its HLT), and the RIP after that HLT. */
export function stub(vector: number): number {
  return HANDLERS + HANDLER_STRIDE * vector;
}

/** Clears bits / sets bits in the 4-KiB PTE of `page` (the builder's low-2-MiB page table). */
export function editPte(mem: Uint8Array, page: number, clear: bigint, set = 0n): void {
  const dv = new DataView(mem.buffer, mem.byteOffset);
  const at = BOOT_PT_ADDR + (page >>> 12) * 8;
  dv.setBigUint64(at, (dv.getBigUint64(at, true) & ~clear) | set, true);
}

function build(c: SysCase): { memory: Uint8Array; state: ReturnType<typeof userState> } {
  const { memory, state } = baseImage();
  // UD2 after the program: a missing fault ends in #UD instead of running on.
  memory.set([...c.user, 0x0f, 0x0b], CODE);
  if (c.kernel) memory.set(c.kernel, KCODE);
  for (const g of c.gates ?? []) writeGate(memory, g.vector, g.target ?? stub(g.vector), g.dpl);
  c.setup?.(memory);
  const regs: bigint[] = Array.from({ length: 16 }, (_, g) => (g === 4 ? BigInt(USTACK_TOP) : 0n));
  for (const [k, v] of Object.entries(c.regs ?? {})) regs[Number(k)] = v;
  regs.push(BigInt(CODE), c.rflags ?? BigInt(0x2 | IF));
  return { memory, state: userState(state, regs) };
}

interface RunLike {
  exit: { kind: string };
  regs: Record<string, bigint>;
  sregs: { cs: { selector: number }; ss: { selector: number }; cr2: bigint };
  memory: Uint8Array;
}

function fields(r: RunLike): Fields {
  const f: Fields = new Map();
  f.set('exit', r.exit.kind);
  for (const n of [...NAMES, 'rip', 'rflags']) f.set(n, r.regs[n]);
  f.set('cs', BigInt(r.sregs.cs.selector));
  f.set('ss', BigInt(r.sregs.ss.selector));
  f.set('cr2', r.sregs.cr2);
  // The interrupt frame (and whatever a handler pushed) below the ring-0 stack top.
  const dv = new DataView(r.memory.buffer, r.memory.byteOffset);
  for (let a = 0x8000 - 64; a < 0x8000; a += 8) f.set(`[0x${a.toString(16)}]`, dv.getBigUint64(a, true));
  return f;
}

export interface SysResult {
  kvm: Fields;
  emu: Fields;
  /** fields where hardware and emulator differ (besides declared deviations) */
  diffs: string[];
  /** compared bytes of data/stack memory that differ */
  memDiffs: string[];
}

export function runSys(c: SysCase): SysResult {
  const { memory, state } = build(c);
  const opts = { memSize: MEM_SIZE, memory, state, msrs: c.msrs, maxExits: 16 };
  const k = runOnKvm(opts);
  const e = runOnEmu({ ...opts, maxInstructions: 1_000_000 });
  const kf = fields(k), ef = fields(e);
  const diffs: string[] = [];
  for (const [name, v] of kf) if (ef.get(name) !== v) diffs.push(`${name}: hw ${show(v)} emu ${show(ef.get(name))}`);
  const memDiffs: string[] = [];
  for (const [lo, hi] of COMPARED_RANGES) {
    for (let a = lo; a < hi && memDiffs.length < 8; a++) if (k.memory[a] !== e.memory[a]) memDiffs.push(`mem[0x${a.toString(16)}]: hw ${k.memory[a]} emu ${e.memory[a]}`);
  }
  return { kvm: kf, emu: ef, diffs, memDiffs };
}

export function show(v: bigint | string | undefined): string {
  return typeof v === 'bigint' ? `0x${v.toString(16)}` : String(v);
}

/** Frame slot address: the n-th qword of a frame of `words` qwords ending at the ring-0 stack top. */
export function frameSlot(words: number, n: number): string {
  return `[0x${(0x8000 - 8 * words + 8 * n).toString(16)}]`;
}

/** One line saying where a run stopped: the handler's vector (from RIP) and the frame words. */
export function whereStopped(f: Fields): string {
  const rip = f.get('rip');
  const off = typeof rip === 'bigint' ? Number(rip) - 1 - HANDLERS : -1;
  const at = off >= 0 && off % HANDLER_STRIDE === 0 && off < 256 * HANDLER_STRIDE ? `vector ${off / HANDLER_STRIDE} stub` : `rip ${show(rip)}`;
  const frame = [...f].filter(([k]) => k.startsWith('[')).map(([k, v]) => `${k}=${show(v)}`).join(' ');
  return `${show(f.get('exit'))} at ${at}, cs ${show(f.get('cs'))}, rsp ${show(f.get('rsp'))}, rflags ${show(f.get('rflags'))}; ${frame}`;
}
