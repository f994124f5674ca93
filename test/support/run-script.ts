/** A batch script run in-process on a fresh session: its whole output (commands.md batch mode, --keep-going). */
import { runBatch } from '../../src/commands/batch.ts';
import { Session } from '../../src/commands/session/index.ts';

export async function runScript(lines: string[], backend: 'emu' | 'kvm' = 'emu', image = 'vmos'): Promise<string> {
  const session = await Session.open({ backend, image });
  let out = '';
  try {
    await runBatch({ session, sources: [{ name: 't.vdbg', lines }], keepGoing: true, write: (t) => (out += t) });
  } finally {
    await session.close();
  }
  return out;
}
