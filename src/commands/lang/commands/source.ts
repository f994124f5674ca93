import { readFileSync } from 'node:fs';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { scriptLines } from '../../script-lines.ts';
import { runLines } from '../blocks.ts';
import { langState } from '../state.ts';

export const sourceCommand = defineCommand<{ file: string }>({
  name: 'source',
  aliases: [],
  summary: 'run the commands in FILE (stops at the first that fails, naming FILE:LINE)',
  usage: 'source FILE',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing file name (usage: source FILE)');
    return { file: rest };
  },
  async run(session, { file }, env) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CommandError('bad-args', `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    if (env.run === undefined) throw new CommandError('failed', 'source needs the line runner');
    const st = langState(session);
    const r = await runLines(scriptLines(text), env.run, (k) => `${file}:${k + 1}`);
    if (st.recording !== null) {
      st.recording = null;
      throw new CommandError('bad-args', `${file}: end of file inside a 'commands' or 'define' block (missing 'end')`);
    }
    return r;
  },
});
