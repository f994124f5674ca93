import { defineCommand } from '../command.ts';
import { fpuRows } from '../fpu-rows.ts';
import { VECTOR_REGISTER_NAMES } from '../fpu-values.ts';
import { noArgs } from '../parse.ts';

export const infoVectorCommand = defineCommand<void>({
  name: 'info vector',
  aliases: [],
  summary: "xmm0–xmm15 (the vec128 union, in hex) and mxcsr, as gdb's `info vector`",
  usage: 'info vector',
  parse: (input) => noArgs(input, 'info vector'),
  run(session) {
    return { kind: 'registers', group: 'vector', values: [], fpu: fpuRows(session, VECTOR_REGISTER_NAMES) };
  },
});
