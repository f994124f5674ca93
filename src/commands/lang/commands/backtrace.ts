import { defineCommand } from '../command.ts';
import { optionalCount } from '../parse.ts';
import type { Result } from '../result.ts';
import { MAX_FRAMES, unwind } from '../unwind.ts';

export const backtraceCommand = defineCommand<{ n: number }>({
  name: 'backtrace',
  aliases: ['bt', 'where', 'info stack'],
  summary: 'call stack by frame pointer or symbol-based stack scan, across the user→kernel transition (interrupt/SYSCALL frames)',
  usage: 'backtrace [N]',
  parse: (input) => ({ n: optionalCount(input, 'backtrace [N]', MAX_FRAMES) }),
  run: (session, { n }): Result => ({ kind: 'backtrace', frames: unwind(session, n) }),
});
