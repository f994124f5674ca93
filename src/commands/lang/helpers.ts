/**
 * What many commands share: evaluating a location through the session,
 * naming an address by symbol, turning a stop into a result, wrapping the
 * session's errors, reading memory page by page.
 */
import { symbolize } from '../disasm.ts';
import type { Breakpoint, SessionApi, Stop } from '../session/types.ts';
import { asCommandError, CommandError, type CommandErrorCode, unreadableError } from '../errors.ts';
import { hex64 } from './format.ts';
import type { RunEnv } from './command.ts';
import { evaluate, evaluateValue, type ExprContext, type Value } from './expr.ts';
import { langState } from './state.ts';
import type { Result } from './result.ts';

/** What the evaluator reads: the session, and the language's value history and convenience variables. */
export function exprContext(session: SessionApi): ExprContext {
  const state = langState(session);
  return {
    registers: () => session.registers(),
    symbols: session.symbols,
    readVirtual: (a, n) => session.readVirtual(a, n),
    variable: (name) => state.variable(name),
    fpu: () => session.fpu(),
  };
}

/** Evaluate an expression against the session; errors stay CommandErrors. */
export function evalIn(session: SessionApi, text: string): bigint {
  return evaluate(text, exprContext(session));
}

/** Evaluate to a typed value (print). */
export function evalValueIn(session: SessionApi, text: string): Value {
  return evaluateValue(text, exprContext(session));
}

/** `name+off` for an address, when a symbol covers it. */
export function symbolOf(session: SessionApi, addr: bigint): string | undefined {
  return symbolize(session.symbols, addr);
}

/** Call into the session, turning what it throws into a CommandError (a KvmError as cause). */
export async function call<T>(fn: () => T | Promise<T>, code: CommandErrorCode = 'failed'): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asCommandError(e, code);
  }
}

/** The synchronous form of `call`. */
export function callSync<T>(fn: () => T, code: CommandErrorCode = 'failed'): T {
  try {
    return fn();
  } catch (e) {
    throw asCommandError(e, code);
  }
}

/** Execution commands need a guest that can run. */
export function requireRunnable(session: SessionApi): void {
  if (session.state === 'exited') throw new CommandError('not-running', 'the guest has exited', "use 'reset' or 'load' to start again");
  if (session.state === 'shutdown') throw new CommandError('not-running', 'the guest has shut down (triple fault)', "use 'reset' or 'load' to start again");
  if (session.state === 'running') throw new CommandError('not-running', 'the guest is already running');
}

/**
 * What `load`, `load raw` and `reset` say about the breakpoints (gdb keeps
 * them): which are kept, and which are pending — a software breakpoint whose
 * address has nowhere to go in this image, inserted again once it has.
 */
export function breakpointNotes(session: SessionApi): string[] {
  const bps = session.breakpoints();
  if (bps.length === 0) return [];
  const lines = [`Breakpoints kept: ${bps.map((b) => b.number).join(', ')}.`];
  for (const b of bps) {
    if (b.pending) lines.push(`Breakpoint ${b.number} pending: nothing at ${hex64(b.addr)} in this image; it goes in when that address is mapped again.`);
  }
  return lines;
}

export function stopResult(session: SessionApi, stop: Stop): Result {
  return { kind: 'stop', stop, symbol: stop.reason === 'exit' ? undefined : symbolOf(session, stop.rip) };
}

/** Run an execution command: check the state, call, wrap errors, name the stop (through the registry's stop hooks when given). */
export async function execute(session: SessionApi, fn: () => Promise<Stop>, env?: RunEnv): Promise<Result> {
  requireRunnable(session);
  const stop = await call(fn);
  return env?.afterStop ? env.afterStop(stop, () => call(fn)) : stopResult(session, stop);
}

export function findBreakpoint(session: SessionApi, n: number): Breakpoint {
  const bp = session.breakpoints().find((b) => b.number === n);
  if (bp === undefined) throw new CommandError('no-such-bp', `no breakpoint number ${n}`);
  return bp;
}

/** How memory is read: linear through the current CR3 unless told otherwise (`x … phys`, `x … cr3 X`). */
export type MemoryReader = (addr: bigint, len: number) => Uint8Array;

/** Read `len` bytes, as many as translate (at least the first page's worth); 'unreadable' if none do. */
export function readUpTo(session: SessionApi, addr: bigint, len: number, read: MemoryReader = (a, n) => session.readVirtual(a, n)): Uint8Array {
  try {
    return read(addr, len);
  } catch (first) {
    const parts: Uint8Array[] = [];
    let a = addr, left = len;
    while (left > 0) {
      const n = Math.min(left, 0x1000 - Number(a & 0xfffn));
      try {
        parts.push(read(a, n));
      } catch {
        break;
      }
      a += BigInt(n);
      left -= n;
    }
    if (parts.length === 0) throw unreadable(addr, first);
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** Read exactly `len` bytes or fail with the page walk's failure. */
export function readExact(session: SessionApi, addr: bigint, len: number, read: MemoryReader = (a, n) => session.readVirtual(a, n)): Uint8Array {
  try {
    return read(addr, len);
  } catch (e) {
    throw unreadable(addr, e);
  }
}

export function unreadable(addr: bigint, e: unknown): CommandError {
  return unreadableError(addr, e);
}

/** Symbol names of the loaded image (none without a session), sorted. */
export function symbolNames(session: SessionApi | null): string[] {
  if (session === null) return [];
  return [...new Set(session.symbols.symbols.map((s) => s.name).filter((n) => n !== ''))].sort();
}
