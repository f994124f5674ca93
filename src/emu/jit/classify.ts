/**
 * What the JIT makes of a decoded instruction: a native translation (a kind
 * the emitters in emit-ops.ts know), a call of the interpreter's own handler
 * from inside the region (families whose handlers touch nothing but
 * registers, flags, memory and the FPU/SSE state), or the end of the region
 * (control transfer it cannot follow, system instructions, string
 * instructions, anything that changes mode): the interpreter runs those.
 */
import { ALU8 } from '../exec/alu8.ts';
import { ALU32, INCDEC32 } from '../exec/alu32.ts';
import { ALU64, INCDEC64 } from '../exec/alu64.ts';
import { SEG_FS, type Handler, type Insn } from '../insn.ts';

export const K_END = 0, K_CALL_HANDLER = 1;
export const K_ALU = 2, K_INCDEC = 3, K_MOV = 4, K_LEA = 5, K_MOVX = 6, K_PUSH = 7, K_POP = 8;
export const K_JCC = 9, K_JMP = 10, K_CALL = 11, K_RET = 12, K_CMOV = 13, K_SETCC = 14, K_SHIFT = 15, K_IMUL = 16, K_NOP = 17;
export const K_NEG = 18, K_NOT = 19;

/** ALU/INC/DEC handlers of the hot tables → (operation, size, form). */
interface AluForm { readonly k: number; readonly size: number; readonly form: number }
const ALU_FORMS = new Map<Handler, AluForm>();
for (const [size, table] of [[1, ALU8], [4, ALU32], [8, ALU64]] as const) {
  table.forEach((h, n) => { if (h !== undefined) ALU_FORMS.set(h, { k: Math.floor(n / 6), size, form: n % 6 }); });
}
const INCDEC_FORMS = new Map<Handler, AluForm>();
for (const [size, table] of [[4, INCDEC32], [8, INCDEC64]] as const) {
  table.forEach((h, n) => INCDEC_FORMS.set(h, { k: n >> 1, size, form: n & 1 }));
}

export function aluForm(i: Insn): AluForm | undefined {
  return ALU_FORMS.get(i.h) ?? INCDEC_FORMS.get(i.h);
}

/** Families whose handlers may run inside a region (see the header). */
const CALLABLE = new Set(['alu', 'bits', 'bmi', 'mov', 'muldiv', 'shift', 'sse', 'stack', 'flagops', 'x87']);

/** A memory operand the emitters handle: 64-bit addressing (an FS/GS base too, but not with RIP-relative). */
function plainMem(i: Insn): boolean {
  return i.regForm || (i.asz === 8 && (i.seg < SEG_FS || !i.ripRel));
}

export function classify(i: Insn): number {
  const row = i.row;
  if (row === undefined || row.exec === undefined) return K_END; // #UD: the CPU never hands those over (Cpu.decodedInPage)
  const fam = row.exec;
  if (i.rex2 || i.vex || i.lock || !plainMem(i)) return CALLABLE.has(fam) ? K_CALL_HANDLER : K_END;
  const k = nativeKind(i, fam);
  if (k !== K_END) return k;
  return CALLABLE.has(fam) ? K_CALL_HANDLER : K_END;
}

function nativeKind(i: Insn, fam: string): number {
  const op = i.op, map = i.map, w = i.osz >= 4;
  switch (fam) {
    case 'alu':
      if (ALU_FORMS.has(i.h)) return K_ALU;
      if (INCDEC_FORMS.has(i.h)) return K_INCDEC;
      // F7 /2 NOT, /3 NEG at 32/64 bits.
      if (map === 0 && op === 0xf7 && w && i.digit === 3) return K_NEG;
      if (map === 0 && op === 0xf7 && w && i.digit === 2) return K_NOT;
      return K_END;
    case 'control':
      if (i.osz === 2) return K_END; // a 66 prefix: 16-bit operand forms (RET pops 2 bytes), the interpreter's
      if ((map === 0 && op >= 0x70 && op <= 0x7f) || (map === 1 && op >= 0x80 && op <= 0x8f)) return K_JCC;
      if (map === 0 && (op === 0xe9 || op === 0xeb)) return K_JMP;
      if (map === 0 && op === 0xe8) return K_CALL;
      if (map === 0 && op === 0xc3) return K_RET;
      return K_END;
    case 'stack':
      // 64-bit by default in 64-bit mode (the decoder leaves osz 4 for these "f64" rows); 66: 16-bit.
      if (map === 0 && op >= 0x50 && op <= 0x57 && i.osz !== 2) return K_PUSH;
      if (map === 0 && op >= 0x58 && op <= 0x5f && i.osz !== 2) return K_POP;
      return K_END;
    case 'mov':
      if (map === 0) {
        if ((op === 0x89 || op === 0x8b || op === 0xc7) && w) return op === 0xc7 && i.digit !== 0 ? K_END : K_MOV;
        if (op === 0x88 || op === 0x8a || (op === 0xc6 && i.digit === 0)) return K_MOV;
        if (op >= 0xb8 && op <= 0xbf && w) return K_MOV;
        if (op === 0x8d && w && i.asz === 8 && !i.regForm) return K_LEA;
        if (op === 0x63 && i.osz === 8) return K_MOVX;
        if (op === 0x90 && i.opReg === 0 && i.rep === 0) return K_NOP; // NOP, 66 NOP (not XCHG r8, PAUSE)
        return K_END;
      }
      if (map === 1) {
        if ((op === 0xb6 || op === 0xb7 || op === 0xbe || op === 0xbf) && w) return K_MOVX;
        if (op >= 0x40 && op <= 0x4f && w) return K_CMOV;
        if (op >= 0x90 && op <= 0x9f) return K_SETCC;
        if (op === 0x1f && i.digit === 0) return K_NOP; // NOP r/m: no memory access
      }
      return K_END;
    case 'shift':
      // SHL/SAL/SHR/SAR of a 32/64-bit register by imm8 or 1 (C1, D1 /4 /5 /6 /7).
      if (map === 0 && (op === 0xc1 || op === 0xd1) && w && i.regForm && i.digit >= 4) return K_SHIFT;
      return K_END;
    case 'muldiv':
      if (i.osz === 4 && ((map === 1 && op === 0xaf) || (map === 0 && (op === 0x69 || op === 0x6b)))) return K_IMUL;
      return K_END;
  }
  return K_END;
}
