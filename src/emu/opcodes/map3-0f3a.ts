/**
 * Opcode map 3: 0F 3A xx, legacy and VEX-encoded (SDM Vol. 2 Table A-5; row
 * format in ./row.ts). Every row takes an imm8 (I_UB). Absent opcodes are #UD.
 */
import { I_UB, M_RM, P_F2, type RowSpec } from './row.ts';

export const MAP3: readonly RowSpec[] = [
  // ---- integer (intgaps)
  // RORX (BMI2): VEX.LZ.F2.0F3A.W0/W1 F0 /r ib, VEX.vvvv must be 1111b.
  { op: 0xf0, pfx: P_F2, mnemonic: 'rorx', modrm: M_RM, imm: I_UB, exec: 'bmi', vex: { l: 0, w: 'ig', vvvv: false } },
];
