/**
 * The opcode table's row format: pure data, no handlers (the decoder and the
 * disassembler read it; `dispatch.ts` binds handlers for cpu.ts). One
 * declarative table per opcode map (blink's per-map tables, v86's
 * gen/x86_table.js; style.md §3–4):
 *
 *   map 0  one-byte opcodes   opcodes/map0-one-byte.ts
 *   map 1  0F xx              opcodes/map1-0f.ts
 *   map 2  0F 38 xx           opcodes/map2-0f38.ts
 *   map 3  0F 3A xx           opcodes/map3-0f3a.ts
 *
 * A row (`RowSpec`) names one instruction form; its columns:
 *
 *   op        opcode byte, or [first, last] for a run with equal columns (50+r, 70–7F)
 *   mnemonic  the form's name for tables, tests and the REX2 formatter's fallback
 *   pfx       mandatory prefix (SDM Vol. 2 §2.1.2, Table A-1 "NP/66/F3/F2"):
 *             P_ANY (default: none; 66 is the operand size, F2/F3 are REP or
 *             ignored), P_NP (only without 66/F2/F3), P_66, P_F3, P_F2
 *   digit     ModRM.reg /digit the row is for (a group, SDM Table A-6), or
 *             [first, last]; default all eight
 *   modrm     M_NONE (default), M_RM (register or memory r/m), M_REG (only
 *             mod = 3), M_MEM (only mod ≠ 3), M_MOD_IGNORED (r/m is a register
 *             whatever mod says: MOV CRn/DRn)
 *   imm       immediate kind, I_* below (default none)
 *   exec      the executor family whose `bind` picks the handler at decode
 *             time; absent for valid encodings no family implements yet (#UD)
 *   f64       64-bit operand size in 64-bit mode, 66 ignored (Table A-1 "f64";
 *             near branches, as on Intel)
 *   lock      LOCK allowed with a memory operand (SDM Vol. 2 LOCK); every
 *             other LOCK encoding is #UD, checked by the decoder
 *   vex       VEX-encoded rows (maps 1–3 only): map = VEX.mmmmm, pfx = VEX.pp
 *             (P_NP/P_66/P_F3/P_F2, required), plus VEX.L, VEX.W and whether
 *             VEX.vvvv names an operand (else it must be 1111b); an encoding
 *             whose L/W/vvvv the row does not accept is #UD. VEX rows live in
 *             their own slots (OpTable.vexSlots): a VEX and a legacy form of
 *             one opcode byte never meet.
 *
 * Selection (opcodes/table.ts, decode.ts): the prefix class (F3 or F2, the
 * last one written, beats 66) picks the rows of (map, op); a row for that
 * exact prefix beats a P_ANY row; then ModRM (mod = 3 or not, /digit) picks
 * the row. When no row is picked the encoding is #UD, decoded with the ModRM
 * and immediate of the first row declared for (map, op), so its length is the
 * same whatever the prefixes and /digit (as for 0F B8 without F3).
 * All rows of one (map, op) agree on whether there is a ModRM byte.
 *
 * A new instruction is one row in its map's table plus one handler that its
 * family's `bind` returns for it, e.g. for ADDSS (docs/emu.md, "The opcode table"):
 *   { op: 0x58, pfx: P_F3, mnemonic: 'addss', modrm: M_RM, exec: 'sse' }
 */

/** Immediate kinds. */
export const I_NONE = 0;
export const I_B = 1; // imm8, sign-extended
export const I_W = 2; // imm16, zero-extended
export const I_Z = 3; // imm16 with a 16-bit operand size, else imm32 sign-extended
export const I_V = 4; // imm16/32/64 by operand size (MOV r, imm)
export const I_WB = 5; // imm16 then imm8 (ENTER)
export const I_MOFFS = 6; // address-size offset (MOV AL/rAX <-> moffs)
export const I_REL32 = 7; // rel32 (near branches: 64-bit operand size, 66 ignored as on Intel)
export const I_UB = 8; // imm8, zero-extended (INT n, IN/OUT port)

/** ModRM kinds. */
export const M_NONE = 0;
export const M_RM = 1;
export const M_REG = 2;
export const M_MEM = 3;
/** SDM Vol. 2 MOV—Move to/from Control Registers: "the mod field is ignored". */
export const M_MOD_IGNORED = 4;

/** Mandatory-prefix column. */
export const P_ANY = 0;
export const P_NP = 1;
export const P_66 = 2;
export const P_F3 = 3;
export const P_F2 = 4;

/** Prefix classes the decoder selects by (a P_xx row other than P_ANY serves class P_xx - 1). */
export const PC_NONE = 0, PC_66 = 1, PC_F3 = 2, PC_F2 = 3;

/** Executor families; dispatch.ts maps each to its module's `bind`. */
export const FAMILIES = ['alu', 'muldiv', 'shift', 'bits', 'mov', 'stack', 'control', 'string', 'flagops', 'system', 'apx', 'x87', 'xsave', 'bmi', 'intext', 'sse'] as const;
export type Family = (typeof FAMILIES)[number];

/** VEX columns (SDM Vol. 2 §3.1.1.2 opcode notation VEX.[NDS].L.pp.mmmmm.W; 'ig' = LIG/WIG). */
export interface VexSpec {
  readonly l: 0 | 1 | 'ig';
  readonly w: 0 | 1 | 'ig';
  /** VEX.vvvv names an operand (NDS/NDD/DDS); otherwise it must be 1111b. */
  readonly vvvv: boolean;
}

type OneOrRun = number | readonly [first: number, last: number];

/** A row as written in a map table (defaults as in the header). */
export interface RowSpec {
  readonly op: OneOrRun;
  readonly mnemonic: string;
  readonly pfx?: number;
  readonly digit?: OneOrRun;
  readonly modrm?: number;
  readonly imm?: number;
  readonly exec?: Family;
  readonly f64?: boolean;
  readonly lock?: boolean;
  readonly vex?: VexSpec;
}

/** One decoded row: a RowSpec for one map and opcode, with every column filled in. */
export interface OpRow {
  readonly map: number;
  readonly op: number;
  readonly mnemonic: string;
  readonly pfx: number;
  /** 0–7, or -1 for every /digit. */
  readonly digit: number;
  readonly modrm: number;
  readonly imm: number;
  readonly exec: Family | undefined;
  /** Index of `exec` in FAMILIES, or -1 (dispatch.ts indexes an array with it). */
  readonly execIndex: number;
  readonly f64: boolean;
  readonly lock: boolean;
  readonly vex: VexSpec | undefined;
}

const first = (r: OneOrRun): number => (typeof r === 'number' ? r : r[0]);
const last = (r: OneOrRun): number => (typeof r === 'number' ? r : r[1]);

/** The rows a spec stands for: one per opcode of its run (every object has the same shape). */
export function expandRow(map: number, s: RowSpec): OpRow[] {
  const rows: OpRow[] = [];
  const digit = s.digit === undefined ? -1 : first(s.digit);
  const digits = s.digit === undefined ? 1 : last(s.digit) - digit + 1;
  for (let op = first(s.op); op <= last(s.op); op++) {
    for (let d = 0; d < digits; d++) {
      rows.push({
        map,
        op,
        mnemonic: s.mnemonic,
        pfx: s.pfx ?? P_ANY,
        digit: digit < 0 ? -1 : digit + d,
        modrm: s.modrm ?? M_NONE,
        imm: s.imm ?? I_NONE,
        exec: s.exec,
        execIndex: s.exec === undefined ? -1 : FAMILIES.indexOf(s.exec),
        f64: s.f64 ?? false,
        lock: s.lock ?? false,
        vex: s.vex,
      });
    }
  }
  return rows;
}
