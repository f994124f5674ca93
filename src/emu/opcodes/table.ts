/**
 * The opcode index the decoder reads: the map tables (row format in ./row.ts)
 * turned, once at load, into one slot per (map, prefix class, opcode), each
 * with the row for every (mod = 3 or not, /digit) cell. Decoding an opcode is
 * then two array loads, with no search and no allocation.
 */
import type { Insn } from '../insn.ts';
import { JMPABS, MAP0 } from './map0-one-byte.ts';
import { MAP1 } from './map1-0f.ts';
import { MAP2 } from './map2-0f38.ts';
import { MAP3 } from './map3-0f3a.ts';
import { expandRow, M_MEM, M_MOD_IGNORED, M_NONE, M_REG, M_RM, P_ANY, PC_66, PC_F2, PC_F3, PC_NONE, type OpRow, type RowSpec } from './row.ts';

/** The rows of one (map, prefix class, opcode). */
export interface OpSlot {
  /** Whether a ModRM byte follows: M_NONE, M_RM or M_MOD_IGNORED, shared by all the opcode's rows. */
  readonly modrm: number;
  /** The first row declared for (map, op): its ModRM and immediate decode the encodings no row picks (#UD). */
  readonly shape: OpRow;
  /** The row for cell (mod === 3 ? 8 : 0) | ModRM.reg (cell 0 without ModRM); undefined: #UD. */
  readonly cells: readonly (OpRow | undefined)[];
}

const MAPS = 4;
const slotIndex = (map: number, pc: number, op: number) => (map << 10) | (pc << 8) | op;

/** The decoder's prefix class: F3 or F2 (the last one written) beats 66 (SDM Vol. 2 §2.1.2 mandatory prefixes). */
export function prefixClass(i: Pick<Insn, 'rep' | 'opsizePrefix'>): number {
  return i.rep === 0xf3 ? PC_F3 : i.rep === 0xf2 ? PC_F2 : i.opsizePrefix ? PC_66 : PC_NONE;
}

/** Whether the slot has a ModRM byte, and whether its mod is ignored. */
const modrmOf = (r: OpRow) => (r.modrm === M_NONE || r.modrm === M_MOD_IGNORED ? r.modrm : M_RM);

export class OpTable {
  /** Indexed (map << 10) | (prefix class << 8) | opcode. */
  readonly slots: (OpSlot | undefined)[] = new Array(MAPS << 10).fill(undefined);
  /** Every row, in table order. */
  readonly rows: readonly OpRow[];
  /** map * 256 + opcode of every opcode with a row, ascending. */
  readonly opcodes: readonly number[];

  /** `maps[n]` holds the rows of map n. */
  constructor(maps: readonly (readonly RowSpec[])[]) {
    if (maps.length > MAPS) throw new Error(`opcode maps 0–${MAPS - 1} only`);
    const rows: OpRow[] = [];
    const byOpcode = new Map<number, OpRow[]>();
    maps.forEach((specs, map) => {
      for (const s of specs) {
        if (s.vex !== undefined) throw new Error(`${s.mnemonic}: VEX rows need the VEX decoder, which does not exist yet`);
        for (const r of expandRow(map, s)) {
          rows.push(r);
          const key = map * 256 + r.op;
          const list = byOpcode.get(key);
          if (list) list.push(r);
          else byOpcode.set(key, [r]);
        }
      }
    });
    this.rows = rows;
    this.opcodes = [...byOpcode.keys()].sort((a, b) => a - b);
    for (const key of this.opcodes) this.addOpcode(key >> 8, key & 0xff, byOpcode.get(key)!);
  }

  private addOpcode(map: number, op: number, rows: readonly OpRow[]): void {
    const shape = rows[0];
    const modrm = modrmOf(shape);
    const where = (r: OpRow) => `opcode ${map}:${op.toString(16)} (${r.mnemonic})`;
    for (const r of rows) {
      if (modrmOf(r) !== modrm) throw new Error(`${where(r)}: its rows disagree on the ModRM byte`);
      if (modrm === M_NONE && r.digit >= 0) throw new Error(`${where(r)}: a /digit needs a ModRM byte`);
    }
    for (let pc = PC_NONE; pc <= PC_F2; pc++) {
      const cells: (OpRow | undefined)[] = new Array(16).fill(undefined);
      // Rows for this exact prefix cover the P_ANY rows cell by cell.
      place(cells, rows.filter((r) => r.pfx === P_ANY), where);
      const exact: (OpRow | undefined)[] = new Array(16).fill(undefined);
      place(exact, rows.filter((r) => r.pfx === pc + 1), where);
      for (let c = 0; c < 16; c++) cells[c] = exact[c] ?? cells[c];
      this.slots[slotIndex(map, pc, op)] = { modrm, shape, cells };
    }
  }

  /** The slot of (map, prefix class, opcode byte); undefined when the opcode has no row (or is out of range). */
  slot(map: number, pc: number, op: number): OpSlot | undefined {
    const inRange = map >= 0 && map < MAPS && pc >= PC_NONE && pc <= PC_F2 && op >= 0 && op < 256;
    return inRange ? this.slots[slotIndex(map, pc, op)] : undefined;
  }

  hasOpcode(map: number, op: number): boolean {
    return this.slot(map, PC_NONE, op) !== undefined;
  }
}

/** Put rows into the 16 (mod, /digit) cells; two rows of one prefix may not share a cell. */
function place(cells: (OpRow | undefined)[], rows: readonly OpRow[], where: (r: OpRow) => string): void {
  for (const r of rows) {
    for (let c = 0; c < 16; c++) {
      const reg = (c & 8) !== 0;
      if ((r.modrm === M_REG && !reg) || (r.modrm === M_MEM && reg) || (r.digit >= 0 && (c & 7) !== r.digit)) continue;
      if (cells[c] !== undefined) throw new Error(`${where(r)}: defined twice for prefix ${r.pfx}, /${c & 7}, mod ${reg ? 3 : 'memory'}`);
      cells[c] = r;
    }
  }
}

/** The table of our instruction set: maps 0 (one byte), 1 (0F), 2 (0F 38), 3 (0F 3A). */
export const OPCODES = new OpTable([MAP0, MAP1, MAP2, MAP3]);

/** The row REX2 + A1 decodes to (map0-one-byte.ts). */
export const JMPABS_ROW: OpRow = expandRow(0, JMPABS)[0];
