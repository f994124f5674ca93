/**
 * Opcode map 0: the one-byte opcodes of our integer + system set (SDM Vol. 2
 * Table A-2; row format in ./row.ts). Absent opcodes are #UD.
 */
import { I_B, I_MOFFS, I_REL32, I_UB, I_V, I_W, I_WB, I_Z, M_RM, type RowSpec } from './row.ts';

/** An ALU block: Eb,Gb and Ev,Gv (lockable, but not CMP) · Gb,Eb and Gv,Ev · AL,Ib · rAX,Iz. */
function alu(base: number, mnemonic: string): RowSpec[] {
  return [
    { op: [base, base + 1], mnemonic, modrm: M_RM, exec: 'alu', lock: mnemonic !== 'cmp' },
    { op: [base + 2, base + 3], mnemonic, modrm: M_RM, exec: 'alu' },
    { op: base + 4, mnemonic, imm: I_B, exec: 'alu' },
    { op: base + 5, mnemonic, imm: I_Z, exec: 'alu' },
  ];
}

export const MAP0: readonly RowSpec[] = [
  ...alu(0x00, 'add'),
  ...alu(0x08, 'or'),
  ...alu(0x10, 'adc'),
  ...alu(0x18, 'sbb'),
  ...alu(0x20, 'and'),
  ...alu(0x28, 'sub'),
  ...alu(0x30, 'xor'),
  ...alu(0x38, 'cmp'),

  { op: [0x50, 0x57], mnemonic: 'push', exec: 'stack' },
  { op: [0x58, 0x5f], mnemonic: 'pop', exec: 'stack' },
  { op: 0x63, mnemonic: 'movsxd', modrm: M_RM, exec: 'mov' },
  { op: 0x68, mnemonic: 'push', imm: I_Z, exec: 'stack' },
  { op: 0x69, mnemonic: 'imul', modrm: M_RM, imm: I_Z, exec: 'muldiv' },
  { op: 0x6a, mnemonic: 'push', imm: I_B, exec: 'stack' },
  { op: 0x6b, mnemonic: 'imul', modrm: M_RM, imm: I_B, exec: 'muldiv' },
  { op: [0x70, 0x7f], mnemonic: 'jcc', imm: I_B, exec: 'control', f64: true },

  // grp1: /0–/6 lockable, /7 CMP not
  { op: 0x80, digit: [0, 6], mnemonic: 'grp1', modrm: M_RM, imm: I_B, exec: 'alu', lock: true },
  { op: 0x80, digit: 7, mnemonic: 'grp1', modrm: M_RM, imm: I_B, exec: 'alu' },
  { op: 0x81, digit: [0, 6], mnemonic: 'grp1', modrm: M_RM, imm: I_Z, exec: 'alu', lock: true },
  { op: 0x81, digit: 7, mnemonic: 'grp1', modrm: M_RM, imm: I_Z, exec: 'alu' },
  { op: 0x83, digit: [0, 6], mnemonic: 'grp1', modrm: M_RM, imm: I_B, exec: 'alu', lock: true },
  { op: 0x83, digit: 7, mnemonic: 'grp1', modrm: M_RM, imm: I_B, exec: 'alu' },
  { op: [0x84, 0x85], mnemonic: 'test', modrm: M_RM, exec: 'alu' },
  { op: [0x86, 0x87], mnemonic: 'xchg', modrm: M_RM, exec: 'mov', lock: true },
  { op: [0x88, 0x8b], mnemonic: 'mov', modrm: M_RM, exec: 'mov' },
  { op: 0x8c, mnemonic: 'mov', modrm: M_RM, exec: 'mov' }, // Ev, Sreg
  { op: 0x8d, mnemonic: 'lea', modrm: M_RM, exec: 'mov' },
  { op: 0x8e, mnemonic: 'mov', modrm: M_RM, exec: 'system' }, // Sreg, Ew: a segment load
  { op: 0x8f, digit: 0, mnemonic: 'pop', modrm: M_RM, exec: 'stack' }, // grp1a
  { op: [0x90, 0x97], mnemonic: 'xchg', exec: 'mov' }, // 90: nop / pause
  { op: 0x98, mnemonic: 'cbw', exec: 'mov' }, // cbw/cwde/cdqe
  { op: 0x99, mnemonic: 'cwd', exec: 'mov' }, // cwd/cdq/cqo
  { op: 0x9c, mnemonic: 'pushf', exec: 'flagops' },
  { op: 0x9d, mnemonic: 'popf', exec: 'flagops' },
  { op: 0x9e, mnemonic: 'sahf', exec: 'flagops' },
  { op: 0x9f, mnemonic: 'lahf', exec: 'flagops' },
  { op: [0xa0, 0xa3], mnemonic: 'mov', imm: I_MOFFS, exec: 'mov' }, // A1 with REX2 is JMPABS (below)
  { op: [0xa4, 0xa7], mnemonic: 'movs/cmps', exec: 'string' },
  { op: 0xa8, mnemonic: 'test', imm: I_B, exec: 'alu' },
  { op: 0xa9, mnemonic: 'test', imm: I_Z, exec: 'alu' },
  { op: [0xaa, 0xaf], mnemonic: 'stos/lods/scas', exec: 'string' },
  { op: [0xb0, 0xb7], mnemonic: 'mov', imm: I_B, exec: 'mov' },
  { op: [0xb8, 0xbf], mnemonic: 'mov', imm: I_V, exec: 'mov' },
  { op: [0xc0, 0xc1], mnemonic: 'grp2', modrm: M_RM, imm: I_B, exec: 'shift' },
  { op: 0xc2, mnemonic: 'ret', imm: I_W, exec: 'control' },
  { op: 0xc3, mnemonic: 'ret', exec: 'control' },
  { op: 0xc6, digit: 0, mnemonic: 'mov', modrm: M_RM, imm: I_B, exec: 'mov' }, // grp11
  { op: 0xc7, digit: 0, mnemonic: 'mov', modrm: M_RM, imm: I_Z, exec: 'mov' },
  { op: 0xc8, mnemonic: 'enter', imm: I_WB, exec: 'stack' },
  { op: 0xc9, mnemonic: 'leave', exec: 'stack' },
  { op: 0xcc, mnemonic: 'int3', exec: 'system' },
  { op: 0xcd, mnemonic: 'int', imm: I_UB, exec: 'system' },
  { op: 0xcf, mnemonic: 'iret', exec: 'system' },
  { op: [0xd0, 0xd3], mnemonic: 'grp2', modrm: M_RM, exec: 'shift' },
  { op: [0xe0, 0xe3], mnemonic: 'loop/jrcxz', imm: I_B, exec: 'control', f64: true },
  { op: [0xe4, 0xe7], mnemonic: 'in/out', imm: I_UB, exec: 'system' },
  { op: 0xe8, mnemonic: 'call', imm: I_REL32, exec: 'control', f64: true },
  { op: 0xe9, mnemonic: 'jmp', imm: I_REL32, exec: 'control', f64: true },
  { op: 0xeb, mnemonic: 'jmp', imm: I_B, exec: 'control', f64: true },
  { op: [0xec, 0xef], mnemonic: 'in/out', exec: 'system' },
  { op: 0xf1, mnemonic: 'int1', exec: 'system' },
  { op: 0xf4, mnemonic: 'hlt', exec: 'system' },
  { op: 0xf5, mnemonic: 'cmc', exec: 'flagops' },

  // grp3: /0 /1 TEST take an immediate; /2 NOT and /3 NEG are lockable.
  { op: 0xf6, digit: [0, 1], mnemonic: 'grp3', modrm: M_RM, imm: I_B, exec: 'alu' },
  { op: 0xf6, digit: [2, 3], mnemonic: 'grp3', modrm: M_RM, exec: 'alu', lock: true },
  { op: 0xf6, digit: [4, 7], mnemonic: 'grp3', modrm: M_RM, exec: 'muldiv' },
  { op: 0xf7, digit: [0, 1], mnemonic: 'grp3', modrm: M_RM, imm: I_Z, exec: 'alu' },
  { op: 0xf7, digit: [2, 3], mnemonic: 'grp3', modrm: M_RM, exec: 'alu', lock: true },
  { op: 0xf7, digit: [4, 7], mnemonic: 'grp3', modrm: M_RM, exec: 'muldiv' },
  { op: 0xf8, mnemonic: 'clc', exec: 'flagops' },
  { op: 0xf9, mnemonic: 'stc', exec: 'flagops' },
  { op: 0xfa, mnemonic: 'cli', exec: 'system' },
  { op: 0xfb, mnemonic: 'sti', exec: 'system' },
  { op: 0xfc, mnemonic: 'cld', exec: 'flagops' },
  { op: 0xfd, mnemonic: 'std', exec: 'flagops' },
  { op: 0xfe, digit: [0, 1], mnemonic: 'grp4', modrm: M_RM, exec: 'alu', lock: true }, // inc/dec Eb
  // grp5: near call/jmp are f64 (66 ignored, as on Intel); /7 is #UD.
  { op: 0xff, digit: [0, 1], mnemonic: 'grp5', modrm: M_RM, exec: 'alu', lock: true }, // inc/dec Ev
  { op: 0xff, digit: 2, mnemonic: 'grp5', modrm: M_RM, exec: 'control', f64: true }, // call
  { op: 0xff, digit: 3, mnemonic: 'grp5', modrm: M_RM, exec: 'system' }, // call far m16:16/32/64 (system-far.ts)
  { op: 0xff, digit: 4, mnemonic: 'grp5', modrm: M_RM, exec: 'control', f64: true }, // jmp
  { op: 0xff, digit: 5, mnemonic: 'grp5', modrm: M_RM, exec: 'system' }, // jmp far m16:16/32/64
  { op: 0xff, digit: 6, mnemonic: 'grp5', modrm: M_RM, exec: 'stack' }, // push

  // ---- x87 (exec/x87.ts; SDM Vol. 2 Tables A-7 … A-22) -----------------------
  // One row per escape opcode: the family picks the form by mod, /digit and r/m.
  { op: 0x9b, mnemonic: 'fwait', exec: 'x87' },
  { op: [0xd8, 0xdf], mnemonic: 'x87', modrm: M_RM, exec: 'x87' },
  // ---- end x87 ---------------------------------------------------------------

  // ---- valid encodings no family implements yet ------------------------------
  // These rows exist so that lengths (and the 15-byte #GP) are right and the
  // disassembly knows them; they execute as #UD until a family binds them.
  // ---- integer (intgaps)
  { op: 0xd7, mnemonic: 'xlat', exec: 'intext' },
  { op: [0x6c, 0x6f], mnemonic: 'ins/outs', exec: 'system' },
  { op: 0xca, mnemonic: 'retf', imm: I_W, exec: 'system' },
  { op: 0xcb, mnemonic: 'retf', exec: 'system' },
];

/**
 * JMPABS (Intel APX architecture specification, JMPABS): REX2 with M0 = 0 and
 * W = 0, opcode A1, imm64; the decoder picks this row instead of A1's MOV
 * whenever a REX2 prefix precedes A1.
 */
export const JMPABS: RowSpec = { op: 0xa1, mnemonic: 'jmpabs', imm: I_V, exec: 'apx', f64: true };
