/**
 * Opcode map 3: 0F 3A xx, legacy and VEX-encoded (SDM Vol. 2 Table A-5; row
 * format in ./row.ts). Every row takes an imm8 (I_UB). Absent opcodes are #UD.
 */
import { I_UB, M_RM, P_66, P_F2, P_NP, type RowSpec } from './row.ts';

export const MAP3: readonly RowSpec[] = [
  // ---- integer (intgaps)
  // RORX (BMI2): VEX.LZ.F2.0F3A.W0/W1 F0 /r ib, VEX.vvvv must be 1111b.
  { op: 0xf0, pfx: P_F2, mnemonic: 'rorx', modrm: M_RM, imm: I_UB, exec: 'bmi', vex: { l: 0, w: 'ig', vvvv: false } },

  // ---- SSSE3 (PALIGNR), SSE4.1, SSE4.2 (exec/sse-*.ts) -----------------------
  // The 66 forms, and PALIGNR mm (no prefix, MMX).
  { op: 0x08, pfx: P_66, mnemonic: 'roundps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x09, pfx: P_66, mnemonic: 'roundpd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0a, pfx: P_66, mnemonic: 'roundss', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0b, pfx: P_66, mnemonic: 'roundsd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0c, pfx: P_66, mnemonic: 'blendps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0d, pfx: P_66, mnemonic: 'blendpd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0e, pfx: P_66, mnemonic: 'pblendw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x0f, pfx: P_NP, mnemonic: 'palignr', modrm: M_RM, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x0f, pfx: P_66, mnemonic: 'palignr', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x14, pfx: P_66, mnemonic: 'pextrb', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x15, pfx: P_66, mnemonic: 'pextrw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x16, pfx: P_66, mnemonic: 'pextrd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x17, pfx: P_66, mnemonic: 'extractps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x20, pfx: P_66, mnemonic: 'pinsrb', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x21, pfx: P_66, mnemonic: 'insertps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x22, pfx: P_66, mnemonic: 'pinsrd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x40, pfx: P_66, mnemonic: 'dpps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x41, pfx: P_66, mnemonic: 'dppd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x42, pfx: P_66, mnemonic: 'mpsadbw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x44, pfx: P_66, mnemonic: 'pclmulqdq', modrm: M_RM, imm: I_UB, exec: 'sse' }, // PCLMULQDQ, not SSE4 but the same shape
  { op: 0x60, pfx: P_66, mnemonic: 'pcmpestrm', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x61, pfx: P_66, mnemonic: 'pcmpestri', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x62, pfx: P_66, mnemonic: 'pcmpistrm', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x63, pfx: P_66, mnemonic: 'pcmpistri', modrm: M_RM, imm: I_UB, exec: 'sse' },
  // ---- end of SSE ------------------------------------------------------------
];
