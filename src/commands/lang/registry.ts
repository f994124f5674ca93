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
import { parseLine, splitWords, type Invocation, type Parsed } from './parse.ts';
import type { RunEnv } from './command.ts';
import { CommandError } from '../errors.ts';
import { MAX_USER_DEPTH, recordLine, runLines, substituteArgs } from './blocks.ts';
import { logOutcome } from './logging.ts';
import { langState, type LangState } from './state.ts';
import { afterStop } from './stop-hooks.ts';
import type { Outcome, Result } from './result.ts';
export type { Outcome } from './result.ts';
import { advanceCommand, jumpCommand } from './commands/advance.ts';
import { commandsCommand } from './commands/commands.ts';
import { conditionCommand } from './commands/condition.ts';
import { defineUserCommand } from './commands/define.ts';
import { displayCommand, infoDisplayCommand, undisplayCommand } from './commands/display.ts';
import { ignoreCommand } from './commands/ignore.ts';
import { infoSymbolCommand } from './commands/info-symbol.ts';
import { runCommand } from './commands/run.ts';
import { awatchCommand, rwatchCommand } from './commands/rwatch.ts';
import { setLoggingCommand } from './commands/set-logging.ts';
import { sourceCommand } from './commands/source.ts';
import { nextCommand, stepCommand } from './commands/step.ts';
import { tbreakCommand } from './commands/tbreak.ts';
import { backendCommand } from './commands/backend.ts';
import { infoMemCommand, infoTlbCommand, translateCommand } from './commands/info-mem.ts';
import { infoMsrCommand } from './commands/info-msr.ts';
import { infoSegmentsCommand } from './commands/info-segments.ts';
import { infoGdtCommand, infoIdtCommand } from './commands/info-tables.ts';
import { backtraceCommand } from './commands/backtrace.ts';
import { infoFrameCommand } from './commands/info-frame.ts';
import { breakCommand } from './commands/break.ts';
import { consoleSendCommand, continueUntilConsoleCommand } from './commands/console.ts';
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
import { infoAllRegistersCommand } from './commands/info-all-registers.ts';
import { infoBreakpointsCommand } from './commands/info-breakpoints.ts';
import { infoExitsCommand } from './commands/info-exits.ts';
import { infoJitCommand } from './commands/info-jit.ts';
import { infoFloatCommand } from './commands/info-float.ts';
import { infoHitsCommand } from './commands/info-hits.ts';
import { infoOsCommand } from './commands/info-os.ts';
import { infoProcessesCommand } from './commands/info-processes.ts';
import { infoRegistersCommand } from './commands/info-registers.ts';
import { infoVcpuCommand } from './commands/info-vcpu.ts';
import { infoVectorCommand } from './commands/info-vector.ts';
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
import { setJitCommand } from './commands/set-jit.ts';
import { setOutputCommand } from './commands/set-output.ts';
import { setTuiMemoryCommand } from './commands/set-tui-memory.ts';
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
  stepCommand,
  nextCommand,
  finishCommand,
  continueCommand,
  runCommand,
  untilCommand,
  advanceCommand,
  jumpCommand,
  runForCommand,
  // guest console
  consoleSendCommand,
  continueUntilConsoleCommand,
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
  tbreakCommand,
  hbreakCommand,
  watchCommand,
  rwatchCommand,
  awatchCommand,
  deleteCommand,
  disableCommand,
  enableCommand,
  infoBreakpointsCommand,
  conditionCommand,
  ignoreCommand,
  commandsCommand,
  filterCommand,
  // inspection
  infoRegistersCommand,
  infoAllRegistersCommand,
  infoFloatCommand,
  infoVectorCommand,
  printCommand,
  displayCommand,
  undisplayCommand,
  infoDisplayCommand,
  infoSymbolCommand,
  backtraceCommand,
  infoFrameCommand,
  setRegisterCommand,
  xCommand,
  disassembleCommand,
  infoOsCommand,
  infoProcessesCommand,
  infoHitsCommand,
  infoExitsCommand,
  infoJitCommand,
  infoVcpuCommand,
  infoSegmentsCommand,
  infoMsrCommand,
  infoGdtCommand,
  infoIdtCommand,
  infoMemCommand,
  infoTlbCommand,
  translateCommand,
  // settings
  setCr3SourceCommand,
  setOutputCommand,
  setJitCommand,
  setTuiMemoryCommand,
  gdbserverCommand,
  setLoggingCommand,
  sourceCommand,
  defineUserCommand,
  echoCommand,
  helpCommand,
  quitCommand,
];

/** Parse a line against COMMANDS. */
export function parse(line: string, commands: readonly Command[] = COMMANDS): Parsed {
  return parseLine(line, commands);
}

/** What commands get besides the session: the table, a line runner, and the stop hooks. */
function envFor(session: SessionApi, commands: readonly Command[]): RunEnv {
  const run = (line: string) => runLine(session, line, commands);
  return { commands, run, afterStop: (stop, resume) => afterStop(session, run, stop, resume) };
}

/** Run a parsed invocation. Never throws for bad input or a refusing hypervisor: those come back as `{kind:'error'}`. */
export async function execute(session: SessionApi, inv: Invocation, commands: readonly Command[] = COMMANDS): Promise<Result> {
  try {
    return await inv.command.run(session, inv.args, envFor(session, commands));
  } catch (e) {
    return { kind: 'error', error: asCommandError(e) };
  }
}


/**
 * Parse and run one line; null for a blank or comment-only line, and for a
 * line taken into a block being recorded (`commands N`/`define NAME` … `end`).
 * A user-defined command (`define`) runs its lines; top-level outcomes are
 * copied to the log file under `set logging on`.
 */
export async function runLine(session: SessionApi, line: string, commands: readonly Command[] = COMMANDS): Promise<Outcome | null> {
  const st = langState(session);
  if (st.recording !== null) return recordLine(st, line);
  st.depth++;
  let out: Outcome | null;
  try {
    out = await runOne(session, line, commands, st);
  } finally {
    st.depth--;
  }
  if (out !== null && st.depth === 0) {
    try {
      logOutcome(st, out);
    } catch (e) {
      return { cmd: out.cmd, result: { kind: 'error', error: asCommandError(e) } };
    }
  }
  return out;
}

async function runOne(session: SessionApi, line: string, commands: readonly Command[], st: LangState): Promise<Outcome | null> {
  const { words } = splitWords(line);
  const user = words.length > 0 ? st.defines.get(words[0]) : undefined;
  if (user !== undefined) {
    const name = words[0];
    if (st.depth > MAX_USER_DEPTH) return { cmd: name, result: { kind: 'error', error: new CommandError('failed', `user command '${name}' nested more than ${MAX_USER_DEPTH} deep (recursive definition?)`) } };
    const args = words.slice(1);
    const env = envFor(session, commands);
    try {
      return { cmd: name, result: await runLines(user.map((l) => substituteArgs(l, args)), env.run!) };
    } catch (e) {
      return { cmd: name, result: { kind: 'error', error: asCommandError(e) } };
    }
  }
  const p = parse(line, commands);
  if (p.kind === 'empty') return null;
  if (p.kind === 'error') return { cmd: p.word, result: { kind: 'error', error: p.error } };
  return { cmd: p.name, result: await execute(session, p, commands) };
}

/** Tab completion over COMMANDS (see complete.ts): the word under the cursor and what can replace it. */
export function completeLine(line: string, cursor: number, session: SessionApi | null, commands: readonly Command[] = COMMANDS): Completion {
  return complete(line, cursor, session, commands);
}
