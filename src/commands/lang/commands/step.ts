import { defineCommand } from '../command.ts';
import { execute } from '../helpers.ts';
import { optionalCount } from '../parse.ts';

/* Without line tables (the images carry symbols only), gdb's `step`/`next` step instructions, as stepi/nexti. */

export const stepCommand = defineCommand<{ n: number }>({
  name: 'step',
  aliases: ['s'],
  summary: 'as stepi: no source lines in the image, so a step is one instruction',
  usage: 'step [N]',
  parse: (input) => ({ n: optionalCount(input, 'step [N]') }),
  run: (session, { n }, env) => execute(session, () => session.stepi(n), env),
});

export const nextCommand = defineCommand<{ n: number }>({
  name: 'next',
  aliases: ['n'],
  summary: 'as nexti: no source lines in the image, so a step is one instruction (a call runs to its return)',
  usage: 'next [N]',
  parse: (input) => ({ n: optionalCount(input, 'next [N]') }),
  run: (session, { n }, env) => execute(session, () => session.nexti(n), env),
});
