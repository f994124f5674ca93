/**
 * The opcode table: for every one-byte (map 0) and 0F (map 1) opcode in our
 * integer + system set, whether it has a ModRM byte, which immediate follows,
 * its mnemonic, and the family module whose `bind` picks the handler
 * (blink's kNexgen32e / v86's x86_table, style.md §3–4). Absent rows are #UD.
 * Mnemonics here are the opcode's name for tables and tests; the debugger's
 * disassembly view uses iced-x86.
 */
import type { Handler, Insn } from './insn.ts';
import * as alu from './exec/alu.ts';
import * as muldiv from './exec/muldiv.ts';
import * as shift from './exec/shift.ts';
import * as bits from './exec/bits.ts';
import * as mov from './exec/mov.ts';
import * as stack from './exec/stack.ts';
import * as control from './exec/control.ts';
import * as str from './exec/string.ts';
import * as flagops from './exec/flagops.ts';
import * as system from './exec/system.ts';
import * as apx from './exec/apx.ts';

/** Immediate kinds. */
export const I_NONE = 0;
export const I_B = 1; // imm8, sign-extended
export const I_W = 2; // imm16, zero-extended
export const I_Z = 3; // imm16 with a 16-bit operand size, else imm32 sign-extended
export const I_V = 4; // imm16/32/64 by operand size (MOV r, imm)
export const I_WB = 5; // imm16 then imm8 (ENTER)
export const I_MOFFS = 6; // address-size offset (MOV AL/rAX <-> moffs)
export const I_GRP3 = 7; // F6/F7: I_B / I_Z for /0 and /1 (TEST), none otherwise
export const I_REL32 = 8; // rel32 (near branches: 64-bit operand size, 66 ignored as on Intel)
export const I_UB = 9; // imm8, zero-extended (INT n, IN/OUT port)

/**
 * `f64` masks (bit n = ModRM /n; rows without ModRM use bit 0): the operand
 * size is forced to 64 bits in 64-bit mode and 66 is ignored, as on Intel
 * (SDM Vol. 2 Table A-1 superscript f64; AMD honours 66 on these).
 */
export const F64_ALL = 0xff;

export type Bind = (i: Insn) => Handler | undefined;

export interface OpDef {
  readonly map: number;
  readonly op: number;
  readonly mnemonic: string;
  readonly modrm: boolean;
  readonly imm: number;
  readonly bind: Bind;
  /** ModR/M /digits (bit mask) whose operand size is forced to 64 (f64). */
  readonly f64: number;
  /** ModR/M.mod is ignored: the r/m operand is always a register (MOV CRn/DRn, SDM Vol. 2 MOV—Move to/from Control Registers). */
  readonly modIgnored: boolean;
  /**
   * ModR/M /digits (bit mask) that accept LOCK with a memory destination; any
   * other LOCK-prefixed encoding is #UD, checked by the decoder (SDM Vol. 2
   * LOCK—Assert LOCK# Signal Prefix).
   */
  readonly lock: number;
}

/** Indexed map * 256 + opcode. */
export const OPS: (OpDef | undefined)[] = new Array(512).fill(undefined);

interface Extra {
  f64?: number;
  modIgnored?: boolean;
  lock?: number;
}
function def(map: number, op: number, mnemonic: string, modrm: boolean, imm: number, bind: Bind, x: Extra = {}): void {
  if (OPS[map * 256 + op]) throw new Error(`opcode ${map}:${op.toString(16)} defined twice`);
  OPS[map * 256 + op] = { map, op, mnemonic, modrm, imm, bind, f64: x.f64 ?? 0, modIgnored: x.modIgnored ?? false, lock: x.lock ?? 0 };
}
function range(map: number, from: number, to: number, mnemonic: string, modrm: boolean, imm: number, bind: Bind, x: Extra = {}): void {
  for (let op = from; op <= to; op++) def(map, op, mnemonic, modrm, imm, bind, x);
}
const F64 = { f64: F64_ALL };
const LOCK = { lock: 0xff };

// ---- map 0: one-byte opcodes -------------------------------------------------
const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
for (let k = 0; k < 8; k++) {
  const b = k * 8, n = ALU_NAMES[k];
  range(0, b, b + 1, n, true, I_NONE, alu.bind, k === 7 ? {} : LOCK); // Eb,Gb  Ev,Gv
  range(0, b + 2, b + 3, n, true, I_NONE, alu.bind); // Gb,Eb  Gv,Ev
  def(0, b + 4, n, false, I_B, alu.bind); // AL, Ib
  def(0, b + 5, n, false, I_Z, alu.bind); // rAX, Iz
}
range(0, 0x50, 0x57, 'push', false, I_NONE, stack.bind);
range(0, 0x58, 0x5f, 'pop', false, I_NONE, stack.bind);
def(0, 0x63, 'movsxd', true, I_NONE, mov.bind);
def(0, 0x68, 'push', false, I_Z, stack.bind);
def(0, 0x69, 'imul', true, I_Z, muldiv.bind);
def(0, 0x6a, 'push', false, I_B, stack.bind);
def(0, 0x6b, 'imul', true, I_B, muldiv.bind);
range(0, 0x70, 0x7f, 'jcc', false, I_B, control.bind, F64);
def(0, 0x80, 'grp1', true, I_B, alu.bind, { lock: 0x7f }); // /7 cmp is not lockable
def(0, 0x81, 'grp1', true, I_Z, alu.bind, { lock: 0x7f });
def(0, 0x83, 'grp1', true, I_B, alu.bind, { lock: 0x7f });
def(0, 0x84, 'test', true, I_NONE, alu.bind);
def(0, 0x85, 'test', true, I_NONE, alu.bind);
def(0, 0x86, 'xchg', true, I_NONE, mov.bind, LOCK);
def(0, 0x87, 'xchg', true, I_NONE, mov.bind, LOCK);
range(0, 0x88, 0x8b, 'mov', true, I_NONE, mov.bind);
def(0, 0x8c, 'mov', true, I_NONE, mov.bind); // Ev, Sreg
def(0, 0x8d, 'lea', true, I_NONE, mov.bind);
def(0, 0x8e, 'mov', true, I_NONE, system.bind); // Sreg, Ew: a segment load
def(0, 0x8f, 'pop', true, I_NONE, stack.bind); // grp1a /0
range(0, 0x90, 0x97, 'xchg', false, I_NONE, mov.bind); // 90: nop / pause
def(0, 0x98, 'cbw', false, I_NONE, mov.bind); // cbw/cwde/cdqe
def(0, 0x99, 'cwd', false, I_NONE, mov.bind); // cwd/cdq/cqo
def(0, 0x9c, 'pushf', false, I_NONE, flagops.bind);
def(0, 0x9d, 'popf', false, I_NONE, flagops.bind);
def(0, 0x9e, 'sahf', false, I_NONE, flagops.bind);
def(0, 0x9f, 'lahf', false, I_NONE, flagops.bind);
def(0, 0xa0, 'mov', false, I_MOFFS, mov.bind);
// A1: MOV rAX, moffs; with REX2 (M0=0, W=0) it is JMPABS imm64 (decode.ts).
def(0, 0xa1, 'mov', false, I_MOFFS, (i) => (i.rex2 ? apx.bind(i) : mov.bind(i)));
range(0, 0xa2, 0xa3, 'mov', false, I_MOFFS, mov.bind);
range(0, 0xa4, 0xa7, 'movs/cmps', false, I_NONE, str.bind);
def(0, 0xa8, 'test', false, I_B, alu.bind);
def(0, 0xa9, 'test', false, I_Z, alu.bind);
range(0, 0xaa, 0xaf, 'stos/lods/scas', false, I_NONE, str.bind);
range(0, 0xb0, 0xb7, 'mov', false, I_B, mov.bind);
range(0, 0xb8, 0xbf, 'mov', false, I_V, mov.bind);
def(0, 0xc0, 'grp2', true, I_B, shift.bind);
def(0, 0xc1, 'grp2', true, I_B, shift.bind);
def(0, 0xc2, 'ret', false, I_W, control.bind);
def(0, 0xc3, 'ret', false, I_NONE, control.bind);
def(0, 0xc6, 'mov', true, I_B, mov.bind); // grp11 /0
def(0, 0xc7, 'mov', true, I_Z, mov.bind); // grp11 /0
def(0, 0xc8, 'enter', false, I_WB, stack.bind);
def(0, 0xc9, 'leave', false, I_NONE, stack.bind);
def(0, 0xcc, 'int3', false, I_NONE, system.bind);
def(0, 0xcd, 'int', false, I_UB, system.bind);
def(0, 0xcf, 'iret', false, I_NONE, system.bind);
range(0, 0xd0, 0xd3, 'grp2', true, I_NONE, shift.bind);
range(0, 0xe0, 0xe3, 'loop/jrcxz', false, I_B, control.bind, F64);
range(0, 0xe4, 0xe7, 'in/out', false, I_UB, system.bind);
def(0, 0xe8, 'call', false, I_REL32, control.bind, F64);
def(0, 0xe9, 'jmp', false, I_REL32, control.bind, F64);
def(0, 0xeb, 'jmp', false, I_B, control.bind, F64);
range(0, 0xec, 0xef, 'in/out', false, I_NONE, system.bind);
def(0, 0xf1, 'int1', false, I_NONE, system.bind);
def(0, 0xf4, 'hlt', false, I_NONE, system.bind);
def(0, 0xf5, 'cmc', false, I_NONE, flagops.bind);
// grp3: /2 not and /3 neg are lockable.
def(0, 0xf6, 'grp3', true, I_GRP3, (i) => (i.digit >= 4 ? muldiv.bind(i) : alu.bind(i)), { lock: 0x0c });
def(0, 0xf7, 'grp3', true, I_GRP3, (i) => (i.digit >= 4 ? muldiv.bind(i) : alu.bind(i)), { lock: 0x0c });
def(0, 0xf8, 'clc', false, I_NONE, flagops.bind);
def(0, 0xf9, 'stc', false, I_NONE, flagops.bind);
def(0, 0xfa, 'cli', false, I_NONE, system.bind);
def(0, 0xfb, 'sti', false, I_NONE, system.bind);
def(0, 0xfc, 'cld', false, I_NONE, flagops.bind);
def(0, 0xfd, 'std', false, I_NONE, flagops.bind);
def(0, 0xfe, 'grp4', true, I_NONE, alu.bind, { lock: 0x03 }); // inc/dec Eb
// grp5: /0 inc, /1 dec, /2 call, /4 jmp, /6 push (/3 /5 far forms are #UD here);
// near call/jmp are f64 (66 ignored, as on Intel).
def(0, 0xff, 'grp5', true, I_NONE, (i) =>
  i.digit <= 1 ? alu.bind(i) : i.digit === 2 || i.digit === 4 ? control.bind(i) : i.digit === 6 ? stack.bind(i) : undefined,
  { f64: (1 << 2) | (1 << 4), lock: 0x03 },
);

// ---- map 1: 0F xx ---------------------------------------------------------
def(1, 0x00, 'grp6', true, I_NONE, system.bind); // sldt/str/lldt/ltr
def(1, 0x01, 'grp7', true, I_NONE, system.bind); // sgdt/sidt/lgdt/lidt/invlpg/swapgs/xgetbv/xsetbv…
def(1, 0x05, 'syscall', false, I_NONE, system.bind);
def(1, 0x06, 'clts', false, I_NONE, system.bind);
def(1, 0x07, 'sysret', false, I_NONE, system.bind);
def(1, 0x08, 'invd', false, I_NONE, system.bind);
def(1, 0x09, 'wbinvd', false, I_NONE, system.bind);
def(1, 0x0b, 'ud2', false, I_NONE, system.bind);
def(1, 0x0d, 'prefetch', true, I_NONE, mov.bind); // hint: executes as a NOP
range(1, 0x18, 0x1f, 'nop', true, I_NONE, mov.bind); // prefetch hints, endbr64, multi-byte NOP
range(1, 0x20, 0x23, 'mov', true, I_NONE, system.bind, { modIgnored: true }); // CRn / DRn
def(1, 0x30, 'wrmsr', false, I_NONE, system.bind);
def(1, 0x31, 'rdtsc', false, I_NONE, system.bind);
def(1, 0x32, 'rdmsr', false, I_NONE, system.bind);
range(1, 0x40, 0x4f, 'cmovcc', true, I_NONE, mov.bind);
range(1, 0x80, 0x8f, 'jcc', false, I_REL32, control.bind, F64);
range(1, 0x90, 0x9f, 'setcc', true, I_NONE, mov.bind);
def(1, 0xa2, 'cpuid', false, I_NONE, system.bind);
def(1, 0xa3, 'bt', true, I_NONE, bits.bind);
def(1, 0xa4, 'shld', true, I_B, shift.bind);
def(1, 0xa5, 'shld', true, I_NONE, shift.bind);
def(1, 0xab, 'bts', true, I_NONE, bits.bind, LOCK);
def(1, 0xac, 'shrd', true, I_B, shift.bind);
def(1, 0xad, 'shrd', true, I_NONE, shift.bind);
def(1, 0xae, 'grp15', true, I_NONE, mov.bind); // lfence/mfence/sfence (register forms)
def(1, 0xaf, 'imul', true, I_NONE, muldiv.bind);
def(1, 0xb0, 'cmpxchg', true, I_NONE, alu.bind, LOCK);
def(1, 0xb1, 'cmpxchg', true, I_NONE, alu.bind, LOCK);
def(1, 0xb3, 'btr', true, I_NONE, bits.bind, LOCK);
def(1, 0xb6, 'movzx', true, I_NONE, mov.bind);
def(1, 0xb7, 'movzx', true, I_NONE, mov.bind);
def(1, 0xb8, 'popcnt', true, I_NONE, bits.bind); // F3 0F B8 only
def(1, 0xba, 'grp8', true, I_B, bits.bind, { lock: 0xe0 }); // bt/bts/btr/btc Ev, Ib (/5–/7 lockable)
def(1, 0xbb, 'btc', true, I_NONE, bits.bind, LOCK);
def(1, 0xbc, 'bsf/tzcnt', true, I_NONE, bits.bind);
def(1, 0xbd, 'bsr/lzcnt', true, I_NONE, bits.bind);
def(1, 0xbe, 'movsx', true, I_NONE, mov.bind);
def(1, 0xbf, 'movsx', true, I_NONE, mov.bind);
def(1, 0xc0, 'xadd', true, I_NONE, alu.bind, LOCK);
def(1, 0xc1, 'xadd', true, I_NONE, alu.bind, LOCK);
range(1, 0xc8, 0xcf, 'bswap', false, I_NONE, bits.bind);

// ---- valid encodings no family implements yet --------------------------------
// These rows exist so that lengths (and the 15-byte #GP) are right and the
// disassembly knows them; they execute as #UD until a family binds them.
const none: Bind = () => undefined;
range(0, 0x6c, 0x6f, 'ins/outs', false, I_NONE, none);
def(0, 0x9b, 'fwait', false, I_NONE, none);
def(0, 0xca, 'retf', false, I_W, none);
def(0, 0xcb, 'retf', false, I_NONE, none);
def(0, 0xd7, 'xlat', false, I_NONE, none);
def(1, 0x02, 'lar', true, I_NONE, none);
def(1, 0x03, 'lsl', true, I_NONE, none);
def(1, 0x33, 'rdpmc', false, I_NONE, none);
def(1, 0x34, 'sysenter', false, I_NONE, none);
def(1, 0x35, 'sysexit', false, I_NONE, none);
def(1, 0xa0, 'push', false, I_NONE, none); // push fs
def(1, 0xa1, 'pop', false, I_NONE, none); // pop fs
def(1, 0xa8, 'push', false, I_NONE, none); // push gs
def(1, 0xa9, 'pop', false, I_NONE, none); // pop gs
def(1, 0xaa, 'rsm', false, I_NONE, none);
def(1, 0xb9, 'ud1', true, I_NONE, none);
def(1, 0xc7, 'grp9', true, I_NONE, none, { lock: 0x02 }); // cmpxchg8b/16b (/1, lockable), rdrand, rdseed, rdpid
def(1, 0xff, 'ud0', true, I_NONE, none);
