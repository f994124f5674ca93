/**
 * The command table and the one way to run a line: parse it, run the
 * command against the session, and get a Result — errors included, as
 * `{kind:'error'}` values — which format.ts turns into text or JSON.
 *
 *   const out = await runLine(session, 'x/8xg $rsp');
 *   if (out) print(outputFormat === 'json' ? formatJson(out.cmd, out.result, lineNo) : formatText(out.result));
 */
import type { SessionApi } from '../session/types.ts';
import type { Command } from './command.ts';
import { complete, type Completion } from './complete.ts';
import { asCommandError } from '../errors.ts';
import { parseLine, type Invocation, type Parsed } from './parse.ts';
import type { Result } from './result.ts';
import { backendCommand } from './commands/backend.ts';
import { breakCommand } from './commands/break.ts';
import { continueCommand } from './commands/continue.ts';
import { deleteCommand } from './commands/delete.ts';
import { disableCommand } from './commands/disable.ts';
import { disassembleCommand } from './commands/disassemble.ts';
import { echoCommand } from './commands/echo.ts';
import { enableCommand } from './commands/enable.ts';
import { filterCommand } from './commands/filter.ts';
import { finishCommand } from './commands/finish.ts';
import { gdbserverCommand } from './commands/gdbserver.ts';
import { hbreakCommand } from './commands/hbreak.ts';
import { helpCommand } from './commands/help.ts';
import { infoBreakpointsCommand } from './commands/info-breakpoints.ts';
import { infoExitsCommand } from './commands/info-exits.ts';
import { infoHitsCommand } from './commands/info-hits.ts';
import { infoProcessesCommand } from './commands/info-processes.ts';
import { infoRegistersCommand } from './commands/info-registers.ts';
import { infoVcpuCommand } from './commands/info-vcpu.ts';
import { loadRawCommand } from './commands/load-raw.ts';
import { loadCommand } from './commands/load.ts';
import { nextiCommand } from './commands/nexti.ts';
import { printCommand } from './commands/print.ts';
import { quitCommand } from './commands/quit.ts';
import { infoRecordCommand, recordCommand, recordStopCommand, setRecordMemoryCommand } from './commands/record.ts';
import { resetCommand } from './commands/reset.ts';
import {
  bookmarkCommand, gotoCommand, infoBookmarksCommand, reverseContinueCommand, reverseFinishCommand, reverseNextiCommand, reverseStepiCommand,
} from './commands/reverse.ts';
import { runForCommand } from './commands/run-for.ts';
import { setCr3SourceCommand } from './commands/set-cr3-source.ts';
import { setOutputCommand } from './commands/set-output.ts';
import { setRegisterCommand } from './commands/set-register.ts';
import { stepiCommand } from './commands/stepi.ts';
import { untilCommand } from './commands/until.ts';
import { watchCommand } from './commands/watch.ts';
import { xCommand } from './commands/x.ts';

/** Every command, in commands.md order (help lists them so). */
export const COMMANDS: readonly Command[] = [
  // machine
  loadCommand,
  loadRawCommand,
  resetCommand,
  backendCommand,
  // execution
  stepiCommand,
  nextiCommand,
  finishCommand,
  continueCommand,
  untilCommand,
  runForCommand,
  // time travel
  recordCommand,
  recordStopCommand,
  infoRecordCommand,
  setRecordMemoryCommand,
  reverseStepiCommand,
  reverseContinueCommand,
  reverseNextiCommand,
  reverseFinishCommand,
  bookmarkCommand,
  gotoCommand,
  infoBookmarksCommand,
  // breakpoints
  breakCommand,
  hbreakCommand,
  watchCommand,
  deleteCommand,
  disableCommand,
  enableCommand,
  infoBreakpointsCommand,
  filterCommand,
  // inspection
  infoRegistersCommand,
  printCommand,
  setRegisterCommand,
  xCommand,
  disassembleCommand,
  infoProcessesCommand,
  infoHitsCommand,
  infoExitsCommand,
  infoVcpuCommand,
  // settings
  setCr3SourceCommand,
  setOutputCommand,
  gdbserverCommand,
  echoCommand,
  helpCommand,
  quitCommand,
];

/** Parse a line against COMMANDS. */
export function parse(line: string, commands: readonly Command[] = COMMANDS): Parsed {
  return parseLine(line, commands);
}

/** Run a parsed invocation. Never throws for bad input or a refusing hypervisor: those come back as `{kind:'error'}`. */
export async function execute(session: SessionApi, inv: Invocation, commands: readonly Command[] = COMMANDS): Promise<Result> {
  try {
    return await inv.command.run(session, inv.args, { commands });
  } catch (e) {
    return { kind: 'error', error: asCommandError(e) };
  }
}

/** A line's outcome: the JSON `cmd` (canonical name, or the word as written when it did not parse) and the result. */
export interface Outcome {
  cmd: string;
  result: Result;
}

/** Parse and run one line; null for a blank or comment-only line. */
export async function runLine(session: SessionApi, line: string, commands: readonly Command[] = COMMANDS): Promise<Outcome | null> {
  const p = parse(line, commands);
  if (p.kind === 'empty') return null;
  if (p.kind === 'error') return { cmd: p.word, result: { kind: 'error', error: p.error } };
  return { cmd: p.name, result: await execute(session, p, commands) };
}

/** Tab completion over COMMANDS (see complete.ts): the word under the cursor and what can replace it. */
export function completeLine(line: string, cursor: number, session: SessionApi | null, commands: readonly Command[] = COMMANDS): Completion {
  return complete(line, cursor, session, commands);
}
