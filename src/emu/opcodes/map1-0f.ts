/**
 * Opcode map 1: 0F xx, the two-byte opcodes of our integer + system set
 * (SDM Vol. 2 Table A-3; row format in ./row.ts). Absent opcodes are #UD.
 */
import { I_B, I_REL32, M_MEM, M_MOD_IGNORED, M_REG, M_RM, P_F3, P_NP, type RowSpec } from './row.ts';

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
