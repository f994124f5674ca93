/**
 * Instruction family 'sse': SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 on the
 * XMM registers, and the MMX forms on MM0–7 (docs/sse.md). The opcode rows (opcodes/map1-0f.ts,
 * map2-0f38.ts, map3-0f3a.ts, SSE sections) say which (map, mandatory
 * prefix, opcode, ModRM form) exist; the handler is picked here by (map,
 * prefix class, opcode) from the tables of the sse-*.ts files.
 */
import type { Handler, Insn } from '../insn.ts';
import { prefixClass } from '../opcodes/table.ts';
import { sseKey } from './sse-access.ts';
import { CONVERT_HANDLERS } from './sse-convert.ts';
import { FP_HANDLERS } from './sse-fp.ts';
import { INT_HANDLERS } from './sse-int.ts';
import { MMX_HANDLERS } from './sse-mmx.ts';
import { MOVE_HANDLERS } from './sse-moves.ts';
import { SHUFFLE_HANDLERS } from './sse-shuffle.ts';
import { STRING_HANDLERS } from './sse-string.ts';

const HANDLERS: (Handler | undefined)[] = new Array(4 << 10).fill(undefined);
for (const [key, h] of [...MOVE_HANDLERS, ...FP_HANDLERS, ...CONVERT_HANDLERS, ...INT_HANDLERS, ...SHUFFLE_HANDLERS, ...STRING_HANDLERS, ...MMX_HANDLERS]) {
  if (HANDLERS[key] !== undefined) throw new Error(`sse: two handlers for key 0x${key.toString(16)}`);
  HANDLERS[key] = h;
}

export function bind(i: Insn): Handler | undefined {
  return HANDLERS[sseKey(i.map, prefixClass(i), i.op)];
}
