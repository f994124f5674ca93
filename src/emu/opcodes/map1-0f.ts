/**
 * Opcode map 1: 0F xx, the two-byte opcodes of our integer + system set
 * (SDM Vol. 2 Table A-3; row format in ./row.ts). Absent opcodes are #UD.
 */
import { I_B, I_REL32, I_UB, M_MEM, M_MOD_IGNORED, M_REG, M_RM, P_66, P_F2, P_F3, P_NP, type RowSpec } from './row.ts';

export const MAP1: readonly RowSpec[] = [
  { op: 0x00, mnemonic: 'grp6', modrm: M_RM, exec: 'system' }, // sldt/str/lldt/ltr
  { op: 0x01, mnemonic: 'grp7', modrm: M_RM, exec: 'system' }, // sgdt/sidt/lgdt/lidt/invlpg/swapgs/xgetbv/xsetbv…
  { op: 0x05, mnemonic: 'syscall', exec: 'system' },
  { op: 0x06, mnemonic: 'clts', exec: 'system' },
  { op: 0x07, mnemonic: 'sysret', exec: 'system' },
  { op: 0x08, mnemonic: 'invd', exec: 'system' },
  { op: 0x09, mnemonic: 'wbinvd', exec: 'system' },
  { op: 0x0b, mnemonic: 'ud2', exec: 'system' },
  { op: 0x0d, mnemonic: 'prefetch', modrm: M_RM, exec: 'mov' }, // hint: executes as a NOP
  { op: [0x18, 0x1f], mnemonic: 'nop', modrm: M_RM, exec: 'mov' }, // prefetch hints, endbr64, multi-byte NOP
  { op: [0x20, 0x23], mnemonic: 'mov', modrm: M_MOD_IGNORED, exec: 'system' }, // CRn / DRn
  { op: 0x30, mnemonic: 'wrmsr', exec: 'system' },
  { op: 0x31, mnemonic: 'rdtsc', exec: 'system' },
  { op: 0x32, mnemonic: 'rdmsr', exec: 'system' },
  { op: [0x40, 0x4f], mnemonic: 'cmovcc', modrm: M_RM, exec: 'mov' },
  { op: [0x80, 0x8f], mnemonic: 'jcc', imm: I_REL32, exec: 'control', f64: true },
  { op: [0x90, 0x9f], mnemonic: 'setcc', modrm: M_RM, exec: 'mov' },
  { op: 0xa2, mnemonic: 'cpuid', exec: 'system' },
  { op: 0xa3, mnemonic: 'bt', modrm: M_RM, exec: 'bits' },
  { op: 0xa4, mnemonic: 'shld', modrm: M_RM, imm: I_B, exec: 'shift' },
  { op: 0xa5, mnemonic: 'shld', modrm: M_RM, exec: 'shift' },
  { op: 0xab, mnemonic: 'bts', modrm: M_RM, exec: 'bits', lock: true },
  { op: 0xac, mnemonic: 'shrd', modrm: M_RM, imm: I_B, exec: 'shift' },
  { op: 0xad, mnemonic: 'shrd', modrm: M_RM, exec: 'shift' },
  // grp15: register forms (fences, RD/WR FS/GS BASE) and /7 (CLFLUSH/OPT) in exec/hint.ts; /0–/6 memory: xsave section below
  { op: 0xae, mnemonic: 'grp15', modrm: M_REG, exec: 'mov' },
  { op: 0xae, digit: 7, mnemonic: 'grp15', modrm: M_MEM, exec: 'mov' },
  { op: 0xaf, mnemonic: 'imul', modrm: M_RM, exec: 'muldiv' },
  { op: [0xb0, 0xb1], mnemonic: 'cmpxchg', modrm: M_RM, exec: 'alu', lock: true },
  { op: 0xb3, mnemonic: 'btr', modrm: M_RM, exec: 'bits', lock: true },
  { op: [0xb6, 0xb7], mnemonic: 'movzx', modrm: M_RM, exec: 'mov' },
  { op: 0xb8, pfx: P_F3, mnemonic: 'popcnt', modrm: M_RM, exec: 'bits' }, // without F3: #UD (JMPE)
  // grp8: bt/bts/btr/btc Ev, Ib; /5–/7 lockable; /0–/3 #UD.
  { op: 0xba, digit: 4, mnemonic: 'grp8', modrm: M_RM, imm: I_B, exec: 'bits' },
  { op: 0xba, digit: [5, 7], mnemonic: 'grp8', modrm: M_RM, imm: I_B, exec: 'bits', lock: true },
  { op: 0xbb, mnemonic: 'btc', modrm: M_RM, exec: 'bits', lock: true },
  { op: 0xbc, mnemonic: 'bsf', modrm: M_RM, exec: 'bits' },
  { op: 0xbc, pfx: P_F3, mnemonic: 'tzcnt', modrm: M_RM, exec: 'bits' },
  { op: 0xbd, mnemonic: 'bsr', modrm: M_RM, exec: 'bits' },
  { op: 0xbd, pfx: P_F3, mnemonic: 'lzcnt', modrm: M_RM, exec: 'bits' },
  { op: [0xbe, 0xbf], mnemonic: 'movsx', modrm: M_RM, exec: 'mov' },
  { op: [0xc0, 0xc1], mnemonic: 'xadd', modrm: M_RM, exec: 'alu', lock: true },
  { op: [0xc8, 0xcf], mnemonic: 'bswap', exec: 'bits' },

  // ---- SSE, SSE2, SSE3 (exec/sse-*.ts, docs/sse.md) --------------------------
  // One row per mandatory-prefix form (SDM Vol. 2 Table A-3). Without 66 the
  // integer opcodes 60–7F/C4–C5/D0–FF are the MMX forms (rows marked MMX,
  // exec/sse-mmx.ts), as are EMMS and the MMX-operand conversions.
  { op: 0x10, pfx: P_NP, mnemonic: 'movups', modrm: M_RM, exec: 'sse' },
  { op: 0x10, pfx: P_66, mnemonic: 'movupd', modrm: M_RM, exec: 'sse' },
  { op: 0x10, pfx: P_F3, mnemonic: 'movss', modrm: M_RM, exec: 'sse' },
  { op: 0x10, pfx: P_F2, mnemonic: 'movsd', modrm: M_RM, exec: 'sse' },
  { op: 0x11, pfx: P_NP, mnemonic: 'movups', modrm: M_RM, exec: 'sse' },
  { op: 0x11, pfx: P_66, mnemonic: 'movupd', modrm: M_RM, exec: 'sse' },
  { op: 0x11, pfx: P_F3, mnemonic: 'movss', modrm: M_RM, exec: 'sse' },
  { op: 0x11, pfx: P_F2, mnemonic: 'movsd', modrm: M_RM, exec: 'sse' },
  { op: 0x12, pfx: P_NP, mnemonic: 'movlps', modrm: M_RM, exec: 'sse' },
  { op: 0x12, pfx: P_66, mnemonic: 'movlpd', modrm: M_MEM, exec: 'sse' },
  { op: 0x12, pfx: P_F3, mnemonic: 'movsldup', modrm: M_RM, exec: 'sse' },
  { op: 0x12, pfx: P_F2, mnemonic: 'movddup', modrm: M_RM, exec: 'sse' },
  { op: 0x13, pfx: P_NP, mnemonic: 'movlps', modrm: M_MEM, exec: 'sse' },
  { op: 0x13, pfx: P_66, mnemonic: 'movlpd', modrm: M_MEM, exec: 'sse' },
  { op: 0x14, pfx: P_NP, mnemonic: 'unpcklps', modrm: M_RM, exec: 'sse' },
  { op: 0x14, pfx: P_66, mnemonic: 'unpcklpd', modrm: M_RM, exec: 'sse' },
  { op: 0x15, pfx: P_NP, mnemonic: 'unpckhps', modrm: M_RM, exec: 'sse' },
  { op: 0x15, pfx: P_66, mnemonic: 'unpckhpd', modrm: M_RM, exec: 'sse' },
  { op: 0x16, pfx: P_NP, mnemonic: 'movhps', modrm: M_RM, exec: 'sse' },
  { op: 0x16, pfx: P_66, mnemonic: 'movhpd', modrm: M_MEM, exec: 'sse' },
  { op: 0x16, pfx: P_F3, mnemonic: 'movshdup', modrm: M_RM, exec: 'sse' },
  { op: 0x17, pfx: P_NP, mnemonic: 'movhps', modrm: M_MEM, exec: 'sse' },
  { op: 0x17, pfx: P_66, mnemonic: 'movhpd', modrm: M_MEM, exec: 'sse' },
  { op: 0x28, pfx: P_NP, mnemonic: 'movaps', modrm: M_RM, exec: 'sse' },
  { op: 0x28, pfx: P_66, mnemonic: 'movapd', modrm: M_RM, exec: 'sse' },
  { op: 0x29, pfx: P_NP, mnemonic: 'movaps', modrm: M_RM, exec: 'sse' },
  { op: 0x29, pfx: P_66, mnemonic: 'movapd', modrm: M_RM, exec: 'sse' },
  { op: 0x2a, pfx: P_NP, mnemonic: 'cvtpi2ps', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2a, pfx: P_66, mnemonic: 'cvtpi2pd', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2a, pfx: P_F3, mnemonic: 'cvtsi2ss', modrm: M_RM, exec: 'sse' },
  { op: 0x2a, pfx: P_F2, mnemonic: 'cvtsi2sd', modrm: M_RM, exec: 'sse' },
  { op: 0x2b, pfx: P_NP, mnemonic: 'movntps', modrm: M_MEM, exec: 'sse' },
  { op: 0x2b, pfx: P_66, mnemonic: 'movntpd', modrm: M_MEM, exec: 'sse' },
  { op: 0x2c, pfx: P_NP, mnemonic: 'cvttps2pi', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2c, pfx: P_66, mnemonic: 'cvttpd2pi', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2c, pfx: P_F3, mnemonic: 'cvttss2si', modrm: M_RM, exec: 'sse' },
  { op: 0x2c, pfx: P_F2, mnemonic: 'cvttsd2si', modrm: M_RM, exec: 'sse' },
  { op: 0x2d, pfx: P_NP, mnemonic: 'cvtps2pi', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2d, pfx: P_66, mnemonic: 'cvtpd2pi', modrm: M_RM, exec: 'sse' }, // MMX operand
  { op: 0x2d, pfx: P_F3, mnemonic: 'cvtss2si', modrm: M_RM, exec: 'sse' },
  { op: 0x2d, pfx: P_F2, mnemonic: 'cvtsd2si', modrm: M_RM, exec: 'sse' },
  { op: 0x2e, pfx: P_NP, mnemonic: 'ucomiss', modrm: M_RM, exec: 'sse' },
  { op: 0x2e, pfx: P_66, mnemonic: 'ucomisd', modrm: M_RM, exec: 'sse' },
  { op: 0x2f, pfx: P_NP, mnemonic: 'comiss', modrm: M_RM, exec: 'sse' },
  { op: 0x2f, pfx: P_66, mnemonic: 'comisd', modrm: M_RM, exec: 'sse' },
  { op: 0x50, pfx: P_NP, mnemonic: 'movmskps', modrm: M_REG, exec: 'sse' },
  { op: 0x50, pfx: P_66, mnemonic: 'movmskpd', modrm: M_REG, exec: 'sse' },
  { op: 0x51, pfx: P_NP, mnemonic: 'sqrtps', modrm: M_RM, exec: 'sse' },
  { op: 0x51, pfx: P_66, mnemonic: 'sqrtpd', modrm: M_RM, exec: 'sse' },
  { op: 0x51, pfx: P_F3, mnemonic: 'sqrtss', modrm: M_RM, exec: 'sse' },
  { op: 0x51, pfx: P_F2, mnemonic: 'sqrtsd', modrm: M_RM, exec: 'sse' },
  { op: 0x52, pfx: P_NP, mnemonic: 'rsqrtps', modrm: M_RM, exec: 'sse' },
  { op: 0x52, pfx: P_F3, mnemonic: 'rsqrtss', modrm: M_RM, exec: 'sse' },
  { op: 0x53, pfx: P_NP, mnemonic: 'rcpps', modrm: M_RM, exec: 'sse' },
  { op: 0x53, pfx: P_F3, mnemonic: 'rcpss', modrm: M_RM, exec: 'sse' },
  { op: 0x54, pfx: P_NP, mnemonic: 'andps', modrm: M_RM, exec: 'sse' },
  { op: 0x54, pfx: P_66, mnemonic: 'andpd', modrm: M_RM, exec: 'sse' },
  { op: 0x55, pfx: P_NP, mnemonic: 'andnps', modrm: M_RM, exec: 'sse' },
  { op: 0x55, pfx: P_66, mnemonic: 'andnpd', modrm: M_RM, exec: 'sse' },
  { op: 0x56, pfx: P_NP, mnemonic: 'orps', modrm: M_RM, exec: 'sse' },
  { op: 0x56, pfx: P_66, mnemonic: 'orpd', modrm: M_RM, exec: 'sse' },
  { op: 0x57, pfx: P_NP, mnemonic: 'xorps', modrm: M_RM, exec: 'sse' },
  { op: 0x57, pfx: P_66, mnemonic: 'xorpd', modrm: M_RM, exec: 'sse' },
  { op: 0x58, pfx: P_NP, mnemonic: 'addps', modrm: M_RM, exec: 'sse' },
  { op: 0x58, pfx: P_66, mnemonic: 'addpd', modrm: M_RM, exec: 'sse' },
  { op: 0x58, pfx: P_F3, mnemonic: 'addss', modrm: M_RM, exec: 'sse' },
  { op: 0x58, pfx: P_F2, mnemonic: 'addsd', modrm: M_RM, exec: 'sse' },
  { op: 0x59, pfx: P_NP, mnemonic: 'mulps', modrm: M_RM, exec: 'sse' },
  { op: 0x59, pfx: P_66, mnemonic: 'mulpd', modrm: M_RM, exec: 'sse' },
  { op: 0x59, pfx: P_F3, mnemonic: 'mulss', modrm: M_RM, exec: 'sse' },
  { op: 0x59, pfx: P_F2, mnemonic: 'mulsd', modrm: M_RM, exec: 'sse' },
  { op: 0x5a, pfx: P_NP, mnemonic: 'cvtps2pd', modrm: M_RM, exec: 'sse' },
  { op: 0x5a, pfx: P_66, mnemonic: 'cvtpd2ps', modrm: M_RM, exec: 'sse' },
  { op: 0x5a, pfx: P_F3, mnemonic: 'cvtss2sd', modrm: M_RM, exec: 'sse' },
  { op: 0x5a, pfx: P_F2, mnemonic: 'cvtsd2ss', modrm: M_RM, exec: 'sse' },
  { op: 0x5b, pfx: P_NP, mnemonic: 'cvtdq2ps', modrm: M_RM, exec: 'sse' },
  { op: 0x5b, pfx: P_66, mnemonic: 'cvtps2dq', modrm: M_RM, exec: 'sse' },
  { op: 0x5b, pfx: P_F3, mnemonic: 'cvttps2dq', modrm: M_RM, exec: 'sse' },
  { op: 0x5c, pfx: P_NP, mnemonic: 'subps', modrm: M_RM, exec: 'sse' },
  { op: 0x5c, pfx: P_66, mnemonic: 'subpd', modrm: M_RM, exec: 'sse' },
  { op: 0x5c, pfx: P_F3, mnemonic: 'subss', modrm: M_RM, exec: 'sse' },
  { op: 0x5c, pfx: P_F2, mnemonic: 'subsd', modrm: M_RM, exec: 'sse' },
  { op: 0x5d, pfx: P_NP, mnemonic: 'minps', modrm: M_RM, exec: 'sse' },
  { op: 0x5d, pfx: P_66, mnemonic: 'minpd', modrm: M_RM, exec: 'sse' },
  { op: 0x5d, pfx: P_F3, mnemonic: 'minss', modrm: M_RM, exec: 'sse' },
  { op: 0x5d, pfx: P_F2, mnemonic: 'minsd', modrm: M_RM, exec: 'sse' },
  { op: 0x5e, pfx: P_NP, mnemonic: 'divps', modrm: M_RM, exec: 'sse' },
  { op: 0x5e, pfx: P_66, mnemonic: 'divpd', modrm: M_RM, exec: 'sse' },
  { op: 0x5e, pfx: P_F3, mnemonic: 'divss', modrm: M_RM, exec: 'sse' },
  { op: 0x5e, pfx: P_F2, mnemonic: 'divsd', modrm: M_RM, exec: 'sse' },
  { op: 0x5f, pfx: P_NP, mnemonic: 'maxps', modrm: M_RM, exec: 'sse' },
  { op: 0x5f, pfx: P_66, mnemonic: 'maxpd', modrm: M_RM, exec: 'sse' },
  { op: 0x5f, pfx: P_F3, mnemonic: 'maxss', modrm: M_RM, exec: 'sse' },
  { op: 0x5f, pfx: P_F2, mnemonic: 'maxsd', modrm: M_RM, exec: 'sse' },
  { op: 0x60, pfx: P_66, mnemonic: 'punpcklbw', modrm: M_RM, exec: 'sse' },
  { op: 0x60, pfx: P_NP, mnemonic: 'punpcklbw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x61, pfx: P_66, mnemonic: 'punpcklwd', modrm: M_RM, exec: 'sse' },
  { op: 0x61, pfx: P_NP, mnemonic: 'punpcklwd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x62, pfx: P_66, mnemonic: 'punpckldq', modrm: M_RM, exec: 'sse' },
  { op: 0x62, pfx: P_NP, mnemonic: 'punpckldq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x63, pfx: P_66, mnemonic: 'packsswb', modrm: M_RM, exec: 'sse' },
  { op: 0x63, pfx: P_NP, mnemonic: 'packsswb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x64, pfx: P_66, mnemonic: 'pcmpgtb', modrm: M_RM, exec: 'sse' },
  { op: 0x64, pfx: P_NP, mnemonic: 'pcmpgtb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x65, pfx: P_66, mnemonic: 'pcmpgtw', modrm: M_RM, exec: 'sse' },
  { op: 0x65, pfx: P_NP, mnemonic: 'pcmpgtw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x66, pfx: P_66, mnemonic: 'pcmpgtd', modrm: M_RM, exec: 'sse' },
  { op: 0x66, pfx: P_NP, mnemonic: 'pcmpgtd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x67, pfx: P_66, mnemonic: 'packuswb', modrm: M_RM, exec: 'sse' },
  { op: 0x67, pfx: P_NP, mnemonic: 'packuswb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x68, pfx: P_66, mnemonic: 'punpckhbw', modrm: M_RM, exec: 'sse' },
  { op: 0x68, pfx: P_NP, mnemonic: 'punpckhbw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x69, pfx: P_66, mnemonic: 'punpckhwd', modrm: M_RM, exec: 'sse' },
  { op: 0x69, pfx: P_NP, mnemonic: 'punpckhwd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x6a, pfx: P_66, mnemonic: 'punpckhdq', modrm: M_RM, exec: 'sse' },
  { op: 0x6a, pfx: P_NP, mnemonic: 'punpckhdq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x6b, pfx: P_66, mnemonic: 'packssdw', modrm: M_RM, exec: 'sse' },
  { op: 0x6b, pfx: P_NP, mnemonic: 'packssdw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x6c, pfx: P_66, mnemonic: 'punpcklqdq', modrm: M_RM, exec: 'sse' },
  { op: 0x6d, pfx: P_66, mnemonic: 'punpckhqdq', modrm: M_RM, exec: 'sse' },
  { op: 0x6e, pfx: P_66, mnemonic: 'movd', modrm: M_RM, exec: 'sse' },
  { op: 0x6e, pfx: P_NP, mnemonic: 'movd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x6f, pfx: P_66, mnemonic: 'movdqa', modrm: M_RM, exec: 'sse' },
  { op: 0x6f, pfx: P_F3, mnemonic: 'movdqu', modrm: M_RM, exec: 'sse' },
  { op: 0x6f, pfx: P_NP, mnemonic: 'movq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x70, pfx: P_66, mnemonic: 'pshufd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x70, pfx: P_F3, mnemonic: 'pshufhw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x70, pfx: P_F2, mnemonic: 'pshuflw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0x70, pfx: P_NP, mnemonic: 'pshufw', modrm: M_RM, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x71, pfx: P_66, digit: 2, mnemonic: 'psrlw', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x71, pfx: P_66, digit: 4, mnemonic: 'psraw', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x71, pfx: P_66, digit: 6, mnemonic: 'psllw', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x71, pfx: P_NP, digit: 2, mnemonic: 'psrlw', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x71, pfx: P_NP, digit: 4, mnemonic: 'psraw', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x71, pfx: P_NP, digit: 6, mnemonic: 'psllw', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x72, pfx: P_66, digit: 2, mnemonic: 'psrld', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x72, pfx: P_66, digit: 4, mnemonic: 'psrad', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x72, pfx: P_66, digit: 6, mnemonic: 'pslld', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x72, pfx: P_NP, digit: 2, mnemonic: 'psrld', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x72, pfx: P_NP, digit: 4, mnemonic: 'psrad', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x72, pfx: P_NP, digit: 6, mnemonic: 'pslld', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x73, pfx: P_66, digit: 2, mnemonic: 'psrlq', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x73, pfx: P_66, digit: 3, mnemonic: 'psrldq', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x73, pfx: P_66, digit: 6, mnemonic: 'psllq', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x73, pfx: P_66, digit: 7, mnemonic: 'pslldq', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0x73, pfx: P_NP, digit: 2, mnemonic: 'psrlq', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x73, pfx: P_NP, digit: 6, mnemonic: 'psllq', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0x74, pfx: P_66, mnemonic: 'pcmpeqb', modrm: M_RM, exec: 'sse' },
  { op: 0x74, pfx: P_NP, mnemonic: 'pcmpeqb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x75, pfx: P_66, mnemonic: 'pcmpeqw', modrm: M_RM, exec: 'sse' },
  { op: 0x75, pfx: P_NP, mnemonic: 'pcmpeqw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x76, pfx: P_66, mnemonic: 'pcmpeqd', modrm: M_RM, exec: 'sse' },
  { op: 0x76, pfx: P_NP, mnemonic: 'pcmpeqd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x77, pfx: P_NP, mnemonic: 'emms', exec: 'sse' }, // MMX
  { op: 0x7c, pfx: P_66, mnemonic: 'haddpd', modrm: M_RM, exec: 'sse' },
  { op: 0x7c, pfx: P_F2, mnemonic: 'haddps', modrm: M_RM, exec: 'sse' },
  { op: 0x7d, pfx: P_66, mnemonic: 'hsubpd', modrm: M_RM, exec: 'sse' },
  { op: 0x7d, pfx: P_F2, mnemonic: 'hsubps', modrm: M_RM, exec: 'sse' },
  { op: 0x7e, pfx: P_66, mnemonic: 'movd', modrm: M_RM, exec: 'sse' },
  { op: 0x7e, pfx: P_F3, mnemonic: 'movq', modrm: M_RM, exec: 'sse' },
  { op: 0x7e, pfx: P_NP, mnemonic: 'movd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0x7f, pfx: P_66, mnemonic: 'movdqa', modrm: M_RM, exec: 'sse' },
  { op: 0x7f, pfx: P_F3, mnemonic: 'movdqu', modrm: M_RM, exec: 'sse' },
  { op: 0x7f, pfx: P_NP, mnemonic: 'movq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xc2, pfx: P_NP, mnemonic: 'cmpps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc2, pfx: P_66, mnemonic: 'cmppd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc2, pfx: P_F3, mnemonic: 'cmpss', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc2, pfx: P_F2, mnemonic: 'cmpsd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc4, pfx: P_66, mnemonic: 'pinsrw', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc4, pfx: P_NP, mnemonic: 'pinsrw', modrm: M_RM, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0xc5, pfx: P_66, mnemonic: 'pextrw', modrm: M_REG, imm: I_UB, exec: 'sse' },
  { op: 0xc5, pfx: P_NP, mnemonic: 'pextrw', modrm: M_REG, imm: I_UB, exec: 'sse' }, // MMX
  { op: 0xc6, pfx: P_NP, mnemonic: 'shufps', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xc6, pfx: P_66, mnemonic: 'shufpd', modrm: M_RM, imm: I_UB, exec: 'sse' },
  { op: 0xd0, pfx: P_66, mnemonic: 'addsubpd', modrm: M_RM, exec: 'sse' },
  { op: 0xd0, pfx: P_F2, mnemonic: 'addsubps', modrm: M_RM, exec: 'sse' },
  { op: 0xd1, pfx: P_66, mnemonic: 'psrlw', modrm: M_RM, exec: 'sse' },
  { op: 0xd1, pfx: P_NP, mnemonic: 'psrlw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd2, pfx: P_66, mnemonic: 'psrld', modrm: M_RM, exec: 'sse' },
  { op: 0xd2, pfx: P_NP, mnemonic: 'psrld', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd3, pfx: P_66, mnemonic: 'psrlq', modrm: M_RM, exec: 'sse' },
  { op: 0xd3, pfx: P_NP, mnemonic: 'psrlq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd4, pfx: P_66, mnemonic: 'paddq', modrm: M_RM, exec: 'sse' },
  { op: 0xd4, pfx: P_NP, mnemonic: 'paddq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd5, pfx: P_66, mnemonic: 'pmullw', modrm: M_RM, exec: 'sse' },
  { op: 0xd5, pfx: P_NP, mnemonic: 'pmullw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd6, pfx: P_66, mnemonic: 'movq', modrm: M_RM, exec: 'sse' },
  { op: 0xd6, pfx: P_F3, mnemonic: 'movq2dq', modrm: M_REG, exec: 'sse' }, // MMX
  { op: 0xd6, pfx: P_F2, mnemonic: 'movdq2q', modrm: M_REG, exec: 'sse' }, // MMX
  { op: 0xd7, pfx: P_66, mnemonic: 'pmovmskb', modrm: M_REG, exec: 'sse' },
  { op: 0xd7, pfx: P_NP, mnemonic: 'pmovmskb', modrm: M_REG, exec: 'sse' }, // MMX
  { op: 0xd8, pfx: P_66, mnemonic: 'psubusb', modrm: M_RM, exec: 'sse' },
  { op: 0xd8, pfx: P_NP, mnemonic: 'psubusb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xd9, pfx: P_66, mnemonic: 'psubusw', modrm: M_RM, exec: 'sse' },
  { op: 0xd9, pfx: P_NP, mnemonic: 'psubusw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xda, pfx: P_66, mnemonic: 'pminub', modrm: M_RM, exec: 'sse' },
  { op: 0xda, pfx: P_NP, mnemonic: 'pminub', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xdb, pfx: P_66, mnemonic: 'pand', modrm: M_RM, exec: 'sse' },
  { op: 0xdb, pfx: P_NP, mnemonic: 'pand', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xdc, pfx: P_66, mnemonic: 'paddusb', modrm: M_RM, exec: 'sse' },
  { op: 0xdc, pfx: P_NP, mnemonic: 'paddusb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xdd, pfx: P_66, mnemonic: 'paddusw', modrm: M_RM, exec: 'sse' },
  { op: 0xdd, pfx: P_NP, mnemonic: 'paddusw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xde, pfx: P_66, mnemonic: 'pmaxub', modrm: M_RM, exec: 'sse' },
  { op: 0xde, pfx: P_NP, mnemonic: 'pmaxub', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xdf, pfx: P_66, mnemonic: 'pandn', modrm: M_RM, exec: 'sse' },
  { op: 0xdf, pfx: P_NP, mnemonic: 'pandn', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe0, pfx: P_66, mnemonic: 'pavgb', modrm: M_RM, exec: 'sse' },
  { op: 0xe0, pfx: P_NP, mnemonic: 'pavgb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe1, pfx: P_66, mnemonic: 'psraw', modrm: M_RM, exec: 'sse' },
  { op: 0xe1, pfx: P_NP, mnemonic: 'psraw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe2, pfx: P_66, mnemonic: 'psrad', modrm: M_RM, exec: 'sse' },
  { op: 0xe2, pfx: P_NP, mnemonic: 'psrad', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe3, pfx: P_66, mnemonic: 'pavgw', modrm: M_RM, exec: 'sse' },
  { op: 0xe3, pfx: P_NP, mnemonic: 'pavgw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe4, pfx: P_66, mnemonic: 'pmulhuw', modrm: M_RM, exec: 'sse' },
  { op: 0xe4, pfx: P_NP, mnemonic: 'pmulhuw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe5, pfx: P_66, mnemonic: 'pmulhw', modrm: M_RM, exec: 'sse' },
  { op: 0xe5, pfx: P_NP, mnemonic: 'pmulhw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe6, pfx: P_66, mnemonic: 'cvttpd2dq', modrm: M_RM, exec: 'sse' },
  { op: 0xe6, pfx: P_F3, mnemonic: 'cvtdq2pd', modrm: M_RM, exec: 'sse' },
  { op: 0xe6, pfx: P_F2, mnemonic: 'cvtpd2dq', modrm: M_RM, exec: 'sse' },
  { op: 0xe7, pfx: P_66, mnemonic: 'movntdq', modrm: M_MEM, exec: 'sse' },
  { op: 0xe7, pfx: P_NP, mnemonic: 'movntq', modrm: M_MEM, exec: 'sse' }, // MMX
  { op: 0xe8, pfx: P_66, mnemonic: 'psubsb', modrm: M_RM, exec: 'sse' },
  { op: 0xe8, pfx: P_NP, mnemonic: 'psubsb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xe9, pfx: P_66, mnemonic: 'psubsw', modrm: M_RM, exec: 'sse' },
  { op: 0xe9, pfx: P_NP, mnemonic: 'psubsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xea, pfx: P_66, mnemonic: 'pminsw', modrm: M_RM, exec: 'sse' },
  { op: 0xea, pfx: P_NP, mnemonic: 'pminsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xeb, pfx: P_66, mnemonic: 'por', modrm: M_RM, exec: 'sse' },
  { op: 0xeb, pfx: P_NP, mnemonic: 'por', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xec, pfx: P_66, mnemonic: 'paddsb', modrm: M_RM, exec: 'sse' },
  { op: 0xec, pfx: P_NP, mnemonic: 'paddsb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xed, pfx: P_66, mnemonic: 'paddsw', modrm: M_RM, exec: 'sse' },
  { op: 0xed, pfx: P_NP, mnemonic: 'paddsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xee, pfx: P_66, mnemonic: 'pmaxsw', modrm: M_RM, exec: 'sse' },
  { op: 0xee, pfx: P_NP, mnemonic: 'pmaxsw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xef, pfx: P_66, mnemonic: 'pxor', modrm: M_RM, exec: 'sse' },
  { op: 0xef, pfx: P_NP, mnemonic: 'pxor', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf0, pfx: P_F2, mnemonic: 'lddqu', modrm: M_MEM, exec: 'sse' },
  { op: 0xf1, pfx: P_66, mnemonic: 'psllw', modrm: M_RM, exec: 'sse' },
  { op: 0xf1, pfx: P_NP, mnemonic: 'psllw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf2, pfx: P_66, mnemonic: 'pslld', modrm: M_RM, exec: 'sse' },
  { op: 0xf2, pfx: P_NP, mnemonic: 'pslld', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf3, pfx: P_66, mnemonic: 'psllq', modrm: M_RM, exec: 'sse' },
  { op: 0xf3, pfx: P_NP, mnemonic: 'psllq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf4, pfx: P_66, mnemonic: 'pmuludq', modrm: M_RM, exec: 'sse' },
  { op: 0xf4, pfx: P_NP, mnemonic: 'pmuludq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf5, pfx: P_66, mnemonic: 'pmaddwd', modrm: M_RM, exec: 'sse' },
  { op: 0xf5, pfx: P_NP, mnemonic: 'pmaddwd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf6, pfx: P_66, mnemonic: 'psadbw', modrm: M_RM, exec: 'sse' },
  { op: 0xf6, pfx: P_NP, mnemonic: 'psadbw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf7, pfx: P_66, mnemonic: 'maskmovdqu', modrm: M_REG, exec: 'sse' },
  { op: 0xf7, pfx: P_NP, mnemonic: 'maskmovq', modrm: M_REG, exec: 'sse' }, // MMX
  { op: 0xf8, pfx: P_66, mnemonic: 'psubb', modrm: M_RM, exec: 'sse' },
  { op: 0xf8, pfx: P_NP, mnemonic: 'psubb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xf9, pfx: P_66, mnemonic: 'psubw', modrm: M_RM, exec: 'sse' },
  { op: 0xf9, pfx: P_NP, mnemonic: 'psubw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xfa, pfx: P_66, mnemonic: 'psubd', modrm: M_RM, exec: 'sse' },
  { op: 0xfa, pfx: P_NP, mnemonic: 'psubd', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xfb, pfx: P_66, mnemonic: 'psubq', modrm: M_RM, exec: 'sse' },
  { op: 0xfb, pfx: P_NP, mnemonic: 'psubq', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xfc, pfx: P_66, mnemonic: 'paddb', modrm: M_RM, exec: 'sse' },
  { op: 0xfc, pfx: P_NP, mnemonic: 'paddb', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xfd, pfx: P_66, mnemonic: 'paddw', modrm: M_RM, exec: 'sse' },
  { op: 0xfd, pfx: P_NP, mnemonic: 'paddw', modrm: M_RM, exec: 'sse' }, // MMX
  { op: 0xfe, pfx: P_66, mnemonic: 'paddd', modrm: M_RM, exec: 'sse' },
  { op: 0xfe, pfx: P_NP, mnemonic: 'paddd', modrm: M_RM, exec: 'sse' }, // MMX
  // ---- end of SSE ------------------------------------------------------------

  // ---- valid encodings no family implements yet ------------------------------
  // Lengths, the 15-byte #GP and the disassembly know them; they are #UD.
  { op: 0x33, mnemonic: 'rdpmc' },
  { op: 0x34, mnemonic: 'sysenter' },
  { op: 0x35, mnemonic: 'sysexit' },
  { op: 0xa0, mnemonic: 'push' }, // push fs
  { op: 0xa1, mnemonic: 'pop' }, // pop fs
  { op: 0xa8, mnemonic: 'push' }, // push gs
  { op: 0xa9, mnemonic: 'pop' }, // pop gs
  { op: 0xaa, mnemonic: 'rsm' },
  // ---- xsave (exec/xsave.ts): FXSAVE/FXRSTOR/LDMXCSR/STMXCSR/XSAVE/XRSTOR/XSAVEOPT,
  // XRSTORS/XSAVEC/XSAVES — memory forms only ---------------------------------------
  { op: 0xae, digit: [0, 6], mnemonic: 'grp15', modrm: M_MEM, exec: 'xsave' },
  { op: 0xc7, digit: [3, 5], mnemonic: 'grp9', modrm: M_MEM, exec: 'xsave' },
  // ---- end xsave -------------------------------------------------------------------

  // ---- integer (intgaps)
  // UD1/UD0: defined to raise #UD (the kernel's BUG()/WARN() use UD1), like UD2.
  { op: 0xb9, mnemonic: 'ud1', modrm: M_RM, exec: 'system' },
  { op: 0xff, mnemonic: 'ud0', modrm: M_RM, exec: 'system' },
  { op: 0x02, mnemonic: 'lar', modrm: M_RM, exec: 'system' },
  { op: 0x03, mnemonic: 'lsl', modrm: M_RM, exec: 'system' },
  { op: 0xc3, pfx: P_NP, mnemonic: 'movnti', modrm: M_MEM, exec: 'intext' },
  // grp9: /1 CMPXCHG8B/16B (memory, lockable), /6 RDRAND, /7 RDSEED (register, no prefix or 66), F3 /7 RDPID.
  { op: 0xc7, digit: 1, mnemonic: 'cmpxchg8b', modrm: M_MEM, exec: 'intext', lock: true },
  { op: 0xc7, digit: [6, 7], mnemonic: 'rdrand/rdseed', modrm: M_REG, exec: 'intext' },
  { op: 0xc7, pfx: P_F3, digit: 7, mnemonic: 'rdpid', modrm: M_REG, exec: 'intext' },
];
