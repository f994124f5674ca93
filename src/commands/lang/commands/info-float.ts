import { defineCommand } from '../command.ts';
import { floatInfoLines } from '../fpu-info.ts';
import { callSync } from '../helpers.ts';
import { noArgs } from '../parse.ts';

export const infoFloatCommand = defineCommand<void>({
  name: 'info float',
  aliases: [],
  summary: "the x87 FPU as gdb shows it: R7…R0 with tags and values, status / control / tag words, pointers, opcode",
  usage: 'info float',
  parse: (input) => noArgs(input, 'info float'),
  run(session) {
    return { kind: 'text', lines: floatInfoLines(callSync(() => session.fpu())) };
  },
});
