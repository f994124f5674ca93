/**
 * A decoded instruction. Decoding happens once per physical address (the
 * decode cache in cpu.ts): decode.ts fills the fields and picks the opcode
 * row, dispatch.ts binds the handler (chosen by the row's family by form,
 * operand size, prefix); executing calls `h(cpu, insn)`.
 */
import type { Cpu } from './cpu.ts';
import type { CompiledRegion } from './jit/region-types.ts';
import type { OpRow } from './opcodes/row.ts';

export type Handler = (cpu: Cpu, i: Insn) => void;

/** Segment register numbers, in the ModRM sreg encoding. */
export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;

/** Byte-register code for AH/CH/DH/BH (legacy encodings 4–7 without REX). */
export const HIGH_BYTE = 64;

/** The handler of an instruction dispatch.ts has not bound (a host bug if it runs). */
export const UNBOUND: Handler = () => {
  throw new Error('instruction executed before it was bound');
};

export class Insn {
  /** Executes the instruction; RIP already points past it when called. */
  h: Handler = UNBOUND;
  /** The real handler behind a gate (e.g. REX2's XCR0.APX check). */
  inner: Handler = UNBOUND;
  /** The opcode-table row the decoder picked; undefined: the encoding is #UD. */
  row: OpRow | undefined = undefined;
  len = 0;
  /** Opcode byte and map: 0 one-byte, 1 0F, 2 0F 38, 3 0F 3A. */
  op = 0;
  map = 0;
  /** Operand size in bytes as the prefixes give it (2, 4, 8); byte forms ignore it. */
  osz = 4;
  /** Address size in bytes (4 with a 67 prefix, else 8). */
  asz = 8;
  /** 0, 0xF2 or 0xF3: the last REP/REPNE-class prefix. */
  rep = 0;
  /** 0x66 prefix present (for mandatory-prefix opcodes). */
  opsizePrefix = false;
  lock = false;
  /** Segment override (SEG_*), or -1. Only FS and GS matter in 64-bit mode. */
  seg = -1;
  /** A REX or REX2 prefix is present (changes byte-register encodings). */
  rex = false;
  rexW = false;
  /** A REX2 (APX) prefix is present. */
  rex2 = false;
  hasModrm = false;
  /** The raw ModRM byte (x87 instructions record it in FOP, SDM Vol. 1 8.1.9). */
  modrm = 0;
  /** ModRM.mod == 3 (register operand). */
  regForm = false;
  /** ModRM.reg extended with REX.R / REX2.R4 (0–31); for groups, the raw 3-bit /digit is `digit`. */
  reg = 0;
  digit = 0;
  /** ModRM.rm extended (register form), 0–31. */
  rm = 0;
  /** Byte-register codes for reg and rm: 0–31 or HIGH_BYTE|n for AH/CH/DH/BH. */
  reg8 = 0;
  rm8 = 0;
  /** Memory operand: base/index GPR (-1 none), scale 0–3, displacement; ripRel for [rip+disp]. */
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  ripRel = false;
  /** Immediate (sign-extended where the encoding says so) and its high half (imm64). */
  imm = 0;
  immHi = 0;
  /** Second immediate (ENTER's level byte). */
  imm2 = 0;
  /** Opcode-embedded register (B0+r, 50+r, …), extended by REX.B. */
  opReg = 0;
  /** A VEX prefix (C4/C5) is present; `vvvv` is the register VEX.vvvv names (un-inverted, 0–15), `vexL` is VEX.L. */
  vex = false;
  vvvv = 0;
  vexL = 0;

  // Links to the instructions that ran after this one, within the same
  // linear page (so the same physical page): the fast loop follows them
  // instead of translating RIP again. Cleared when the page is written.
  /** The instruction at RIP + len. */
  next: Insn | undefined = undefined;
  /** The instruction last branched to, and its address. */
  taken: Insn | undefined = undefined;
  takenRip = NaN;

  // The JIT (jit/engine.ts): how often a block was entered here, and the
  // compiled region starting here (or the engine's NO_REGION marker).
  heat = 0;
  region: CompiledRegion | undefined = undefined;
}

