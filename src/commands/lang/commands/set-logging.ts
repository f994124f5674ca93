import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { oneOf } from '../parse.ts';
import { langState } from '../state.ts';

type Args = { what: 'enabled'; on: boolean } | { what: 'file'; file: string } | { what: 'overwrite'; on: boolean } | { what: 'show' };
const USAGE = 'set logging on|off | enabled on|off | file FILE | overwrite on|off';

export const setLoggingCommand = defineCommand<Args>({
  name: 'set logging',
  aliases: [],
  summary: "copy each command's output to a file (default vdbg.txt); overwrite on truncates it when logging starts",
  usage: USAGE,
  parse({ words, rest }) {
    if (words.length === 0) return { what: 'show' };
    const w = words[0].toLowerCase();
    if (w === 'on' || w === 'off') return { what: 'enabled', on: w === 'on' };
    if (w === 'file') {
      const file = rest.slice(words[0].length).trim();
      if (file === '') throw new CommandError('bad-args', `missing file name (usage: ${USAGE})`);
      return { what: 'file', file };
    }
    if (w === 'enabled' || w === 'overwrite') {
      if (words.length !== 2) throw new CommandError('bad-args', `usage: ${USAGE}`);
      return { what: w, on: oneOf(words[1], ['on', 'off'] as const, w) === 'on' };
    }
    if (w === 'redirect') throw new CommandError('bad-args', "set logging redirect is not supported: the output always goes to the screen as well");
    throw new CommandError('bad-args', `usage: ${USAGE}`);
  },
  complete: (k) => (k === 0 ? ['on', 'off', 'enabled', 'file', 'overwrite'] : ['on', 'off']),
  run(session, args) {
    const log = langState(session).logging;
    switch (args.what) {
      case 'enabled':
        if (args.on && !log.enabled) log.started = false;
        log.enabled = args.on;
        return { kind: 'text', lines: [args.on ? `Copying output to ${log.file}.` : 'Done logging.'] };
      case 'file':
        log.file = args.file;
        log.started = false;
        return { kind: 'none' };
      case 'overwrite':
        log.overwrite = args.on;
        return { kind: 'none' };
      case 'show':
        return { kind: 'text', lines: [`logging is ${log.enabled ? 'on' : 'off'}, file ${log.file}, overwrite ${log.overwrite ? 'on' : 'off'}`] };
    }
  },
});
