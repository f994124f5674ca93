/**
 * Opcode map 2: 0F 38 xx, legacy and VEX-encoded (SDM Vol. 2 Table A-4; row
 * format in ./row.ts). Absent opcodes are #UD.
 */
import { M_MEM, M_RM, P_66, P_F2, P_F3, P_NP, type RowSpec, type VexSpec } from './row.ts';

/** BMI1/BMI2 general-purpose VEX forms: VEX.LZ (L = 0), W selects 32/64-bit (SDM Vol. 2 ANDN … SHRX). */
const LZ_NDS: VexSpec = { l: 0, w: 'ig', vvvv: true };

export const MAP2: readonly RowSpec[] = [
  // ---- integer (intgaps)
  { op: 0x82, pfx: P_66, mnemonic: 'invpcid', modrm: M_MEM, exec: 'system' },
  { op: [0xf0, 0xf1], pfx: P_NP, mnemonic: 'movbe', modrm: M_MEM, exec: 'intext' },
  { op: [0xf0, 0xf1], pfx: P_66, mnemonic: 'movbe', modrm: M_MEM, exec: 'intext' },
  { op: 0xf6, pfx: P_66, mnemonic: 'adcx', modrm: M_RM, exec: 'intext' },
  { op: 0xf6, pfx: P_F3, mnemonic: 'adox', modrm: M_RM, exec: 'intext' },
  // VEX (BMI1, BMI2)
  { op: 0xf2, pfx: P_NP, mnemonic: 'andn', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf3, pfx: P_NP, digit: [1, 3], mnemonic: 'grp17', modrm: M_RM, exec: 'bmi', vex: LZ_NDS }, // blsr/blsmsk/blsi
  { op: 0xf5, pfx: P_NP, mnemonic: 'bzhi', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf5, pfx: P_F3, mnemonic: 'pext', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf5, pfx: P_F2, mnemonic: 'pdep', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf6, pfx: P_F2, mnemonic: 'mulx', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf7, pfx: P_NP, mnemonic: 'bextr', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf7, pfx: P_66, mnemonic: 'shlx', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf7, pfx: P_F3, mnemonic: 'sarx', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
  { op: 0xf7, pfx: P_F2, mnemonic: 'shrx', modrm: M_RM, exec: 'bmi', vex: LZ_NDS },
];
