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

  // ---- SSSE3, SSE4.1, SSE4.2 (exec/sse-*.ts) ---------------------------------
  // The 66 forms, and the MMX forms (no prefix) of 00–0B and 1C–1E.
  { op: 0x00, pfx: P_66, mnemonic: 'pshufb', modrm: M_RM, exec: 'sse' },
  { op: 0x00, pfx: P_NP, mnemonic: 'pshufb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x01, pfx: P_66, mnemonic: 'phaddw', modrm: M_RM, exec: 'sse' },
  { op: 0x01, pfx: P_NP, mnemonic: 'phaddw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x02, pfx: P_66, mnemonic: 'phaddd', modrm: M_RM, exec: 'sse' },
  { op: 0x02, pfx: P_NP, mnemonic: 'phaddd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x03, pfx: P_66, mnemonic: 'phaddsw', modrm: M_RM, exec: 'sse' },
  { op: 0x03, pfx: P_NP, mnemonic: 'phaddsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x04, pfx: P_66, mnemonic: 'pmaddubsw', modrm: M_RM, exec: 'sse' },
  { op: 0x04, pfx: P_NP, mnemonic: 'pmaddubsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x05, pfx: P_66, mnemonic: 'phsubw', modrm: M_RM, exec: 'sse' },
  { op: 0x05, pfx: P_NP, mnemonic: 'phsubw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x06, pfx: P_66, mnemonic: 'phsubd', modrm: M_RM, exec: 'sse' },
  { op: 0x06, pfx: P_NP, mnemonic: 'phsubd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x07, pfx: P_66, mnemonic: 'phsubsw', modrm: M_RM, exec: 'sse' },
  { op: 0x07, pfx: P_NP, mnemonic: 'phsubsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x08, pfx: P_66, mnemonic: 'psignb', modrm: M_RM, exec: 'sse' },
  { op: 0x08, pfx: P_NP, mnemonic: 'psignb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x09, pfx: P_66, mnemonic: 'psignw', modrm: M_RM, exec: 'sse' },
  { op: 0x09, pfx: P_NP, mnemonic: 'psignw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x0a, pfx: P_66, mnemonic: 'psignd', modrm: M_RM, exec: 'sse' },
  { op: 0x0a, pfx: P_NP, mnemonic: 'psignd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x0b, pfx: P_66, mnemonic: 'pmulhrsw', modrm: M_RM, exec: 'sse' },
  { op: 0x0b, pfx: P_NP, mnemonic: 'pmulhrsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x10, pfx: P_66, mnemonic: 'pblendvb', modrm: M_RM, exec: 'sse' },
  { op: 0x14, pfx: P_66, mnemonic: 'blendvps', modrm: M_RM, exec: 'sse' },
  { op: 0x15, pfx: P_66, mnemonic: 'blendvpd', modrm: M_RM, exec: 'sse' },
  { op: 0x17, pfx: P_66, mnemonic: 'ptest', modrm: M_RM, exec: 'sse' },
  { op: 0x1c, pfx: P_66, mnemonic: 'pabsb', modrm: M_RM, exec: 'sse' },
  { op: 0x1c, pfx: P_NP, mnemonic: 'pabsb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x1d, pfx: P_66, mnemonic: 'pabsw', modrm: M_RM, exec: 'sse' },
  { op: 0x1d, pfx: P_NP, mnemonic: 'pabsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x1e, pfx: P_66, mnemonic: 'pabsd', modrm: M_RM, exec: 'sse' },
  { op: 0x1e, pfx: P_NP, mnemonic: 'pabsd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x20, pfx: P_66, mnemonic: 'pmovsxbw', modrm: M_RM, exec: 'sse' },
  { op: 0x21, pfx: P_66, mnemonic: 'pmovsxbd', modrm: M_RM, exec: 'sse' },
  { op: 0x22, pfx: P_66, mnemonic: 'pmovsxbq', modrm: M_RM, exec: 'sse' },
  { op: 0x23, pfx: P_66, mnemonic: 'pmovsxwd', modrm: M_RM, exec: 'sse' },
  { op: 0x24, pfx: P_66, mnemonic: 'pmovsxwq', modrm: M_RM, exec: 'sse' },
  { op: 0x25, pfx: P_66, mnemonic: 'pmovsxdq', modrm: M_RM, exec: 'sse' },
  { op: 0x28, pfx: P_66, mnemonic: 'pmuldq', modrm: M_RM, exec: 'sse' },
  { op: 0x29, pfx: P_66, mnemonic: 'pcmpeqq', modrm: M_RM, exec: 'sse' },
  { op: 0x2a, pfx: P_66, mnemonic: 'movntdqa', modrm: M_MEM, exec: 'sse' },
  { op: 0x2b, pfx: P_66, mnemonic: 'packusdw', modrm: M_RM, exec: 'sse' },
  { op: 0x30, pfx: P_66, mnemonic: 'pmovzxbw', modrm: M_RM, exec: 'sse' },
  { op: 0x31, pfx: P_66, mnemonic: 'pmovzxbd', modrm: M_RM, exec: 'sse' },
  { op: 0x32, pfx: P_66, mnemonic: 'pmovzxbq', modrm: M_RM, exec: 'sse' },
  { op: 0x33, pfx: P_66, mnemonic: 'pmovzxwd', modrm: M_RM, exec: 'sse' },
  { op: 0x34, pfx: P_66, mnemonic: 'pmovzxwq', modrm: M_RM, exec: 'sse' },
  { op: 0x35, pfx: P_66, mnemonic: 'pmovzxdq', modrm: M_RM, exec: 'sse' },
  { op: 0x37, pfx: P_66, mnemonic: 'pcmpgtq', modrm: M_RM, exec: 'sse' },
  { op: 0x38, pfx: P_66, mnemonic: 'pminsb', modrm: M_RM, exec: 'sse' },
  { op: 0x39, pfx: P_66, mnemonic: 'pminsd', modrm: M_RM, exec: 'sse' },
  { op: 0x3a, pfx: P_66, mnemonic: 'pminuw', modrm: M_RM, exec: 'sse' },
  { op: 0x3b, pfx: P_66, mnemonic: 'pminud', modrm: M_RM, exec: 'sse' },
  { op: 0x3c, pfx: P_66, mnemonic: 'pmaxsb', modrm: M_RM, exec: 'sse' },
  { op: 0x3d, pfx: P_66, mnemonic: 'pmaxsd', modrm: M_RM, exec: 'sse' },
  { op: 0x3e, pfx: P_66, mnemonic: 'pmaxuw', modrm: M_RM, exec: 'sse' },
  { op: 0x3f, pfx: P_66, mnemonic: 'pmaxud', modrm: M_RM, exec: 'sse' },
  { op: 0x40, pfx: P_66, mnemonic: 'pmulld', modrm: M_RM, exec: 'sse' },
  { op: 0x41, pfx: P_66, mnemonic: 'phminposuw', modrm: M_RM, exec: 'sse' },
  // CRC32 (SSE4.2, exec/sse-string.ts): the F2 forms of F0/F1. NP/66 F0/F1 are MOVBE (its own rows).
  { op: 0xf0, pfx: P_F2, mnemonic: 'crc32', modrm: M_RM, exec: 'sse' },
  { op: 0xf1, pfx: P_F2, mnemonic: 'crc32', modrm: M_RM, exec: 'sse' },
  // ---- end of SSE ------------------------------------------------------------
];
