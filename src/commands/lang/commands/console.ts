/**
 * The guest's serial console from the command language (issue 12):
 * `console-send TEXT` types into COM1's receiver, `continue-until-console
 * TEXT` runs until the guest prints TEXT (expect's `send` / `expect`).
 */
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { unescapeBytes } from '../escapes.ts';
import { callSync, execute } from '../helpers.ts';

function textArg(rest: string, usage: string): Uint8Array {
  if (rest === '') throw new CommandError('bad-args', `missing text (usage: ${usage})`);
  return unescapeBytes(rest);
}

export const consoleSendCommand = defineCommand<{ bytes: Uint8Array }>({
  name: 'console-send',
  aliases: [],
  summary: 'send TEXT to the guest\'s serial input (C escapes: \\r \\n \\t \\e \\xNN \\\\; no newline unless written)',
  usage: 'console-send TEXT',
  parse: ({ rest }) => ({ bytes: textArg(rest, 'console-send TEXT') }),
  run(session, { bytes }) {
    const note = callSync(() => session.consoleSend(bytes));
    return note === null ? { kind: 'none' } : { kind: 'text', lines: [note] };
  },
});

export const continueUntilConsoleCommand = defineCommand<{ text: string }>({
  name: 'continue-until-console',
  aliases: [],
  summary: 'continue until the guest prints TEXT (C escapes as console-send); stops also as continue does',
  usage: 'continue-until-console TEXT',
  // The console's bytes are compared as Latin-1 characters, one per byte.
  parse: ({ rest }) => ({ text: Buffer.from(textArg(rest, 'continue-until-console TEXT')).toString('latin1') }),
  run: (session, { text }, env) => execute(session, () => session.contUntilConsole(text), env),
});
