/**
 * The two forms of every Result (commands.md "JSON output"): text, as batch
 * mode prints it, and JSON, one line per command —
 * `{"cmd":"stepi","ok":true,"result":{…}}` /
 * `{"cmd":"stpi","ok":false,"error":"…","line":12}`. 64-bit values are
 * `"0x%016x"` strings, never JS numbers. Deterministic: no clocks, and
 * every ordering comes from the data.
 */
import { HALTED_FOR_GOOD, WAITING_FOR_INPUT } from '../session/halt-watch.ts';
import type { Breakpoint, Condition, ProcessRow, Stop } from '../session/types.ts';
import type { DisasmLine } from '../disasm.ts';
import type { CommandError } from '../errors.ts';
import { formatValue } from './print-format.ts';
import type { Cell, Column, Outcome, Result } from './result.ts';
import type { Frame } from './unwind.ts';

/** `0x%016x`. */
export function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}

/** A process row's name as shown: a kernel thread's in brackets, as ps prints it (`[kthreadd]`). */
export function processName(p: ProcessRow): string | undefined {
  return p.name !== undefined && p.kernelThread ? `[${p.name}]` : p.name;
}

// ---- stops -----------------------------------------------------------------

/** ` cr3=0x… (proc) rip=0x… <sym>`: where a stop happened. */
function where(stop: Stop, symbol: string | undefined): string {
  const proc = stop.process ? ` (${stop.process})` : '';
  const sym = symbol ? ` <${symbol}>` : '';
  return `cr3=${hex64(stop.cr3)}${proc} rip=${hex64(stop.rip)}${sym}`;
}

/**
 * The one line every stop prints (commands.md "Execution"):
 * - breakpoint  `Breakpoint 2 hit: cr3=… (counter) rip=… <counter_loop+8>` (`Temporary breakpoint 2 hit: …` for a tbreak)
 * - watchpoint  `Watchpoint 3 hit: cr3=… rip=… <…> dr6=0x…`
 * - step        `Stepped: cr3=… rip=… <…>`
 * - finish      `Returned: cr3=… rip=… <…>`
 * - until       `Reached: cr3=… rip=… <…>`
 * - halt        `Halted: cr3=… rip=…`, or `Halted with interrupts off (RFLAGS.IF=0), nothing can wake it: cr3=… rip=…`
 * - exit        `Guest exited with status N`
 * - shutdown    `Guest shut down (triple fault): cr3=… rip=…`
 * - budget      `Stopped: instruction budget of N reached: cr3=… rip=…` (the session's detail verbatim)
 * - interrupted `Interrupted: cr3=… rip=…`
 * - console     `Console: the guest printed "TEXT": cr3=… rip=…` (continue-until-console)
 * - error       `Stopped on error: DETAIL: cr3=… rip=…`
 * (the JSON object keeps every detail) followed by ` (N events skipped)` when a filter or condition skipped some.
 */
export function stopLine(stop: Stop, symbol?: string, temporary = false): string {
  const w = where(stop, symbol);
  let s: string;
  switch (stop.reason) {
    case 'breakpoint':
      // gdb's words for a tbreak: "Temporary breakpoint N, …".
      s = `${temporary ? 'Temporary breakpoint' : 'Breakpoint'} ${stop.bp ?? '?'} hit: ${w}`;
      break;
    case 'watchpoint':
      s = `Watchpoint ${stop.bp ?? '?'} hit: ${w}${stop.dr6 !== undefined ? ` dr6=${hex64(stop.dr6)}` : ''}`;
      break;
    case 'step':
      s = `Stepped: ${w}`;
      break;
    case 'finish':
      s = `Returned: ${w}`;
      break;
    case 'until':
      s = `Reached: ${w}`;
      break;
    case 'halt':
      s = stop.detail === HALTED_FOR_GOOD ? `Halted with interrupts off (RFLAGS.IF=0), nothing can wake it: ${w}`
        : stop.detail === WAITING_FOR_INPUT ? `Halted waiting for input (HLT, no timer or device interrupt to come): ${w}` : `Halted: ${w}`;
      break;
    case 'exit':
      s = `Guest exited with status ${stop.status ?? 0}`;
      break;
    case 'shutdown':
      s = `Guest shut down (triple fault): ${w}`;
      break;
    case 'budget':
      s = `Stopped: ${stop.detail ?? 'instruction budget reached'}: ${w}`;
      break;
    case 'interrupted':
      s = `Interrupted: ${w}`;
      break;
    case 'console':
      s = `Console: ${stop.detail ?? 'the text appeared'}: ${w}`;
      break;
    case 'error':
      s = `Stopped on error: ${stop.detail ?? 'unexpected exit'}: ${w}`;
      break;
  }
  if (stop.skipped > 0) s += ` (${stop.skipped} event${stop.skipped === 1 ? '' : 's'} skipped)`;
  // A note the stop carries (kvm_pvm: the debugger's own breakpoint took a debug register).
  if ((stop.reason === 'step' || stop.reason === 'finish' || stop.reason === 'until') && stop.detail !== undefined) s += `\n  note: ${stop.detail}`;
  return s;
}

/** commands.md's stop object, keys in its order; absent fields left out. */
export function stopJson(stop: Stop, symbol?: string): Record<string, unknown> {
  const o: Record<string, unknown> = { reason: stop.reason };
  if (stop.bp !== undefined) o.bp = stop.bp;
  if (stop.reason === 'exit') o.status = stop.status ?? 0;
  o.cr3 = hex64(stop.cr3);
  if (stop.process !== undefined) o.process = stop.process;
  o.rip = hex64(stop.rip);
  if (stop.exception !== undefined) o.exception = stop.exception;
  if (stop.dr6 !== undefined) o.dr6 = hex64(stop.dr6);
  if (stop.dr7 !== undefined) o.dr7 = hex64(stop.dr7);
  if (symbol !== undefined) o.symbol = symbol;
  if (stop.detail !== undefined) o.detail = stop.detail;
  if (stop.skipped > 0) o.skipped = stop.skipped;
  return o;
}

// ---- breakpoints -------------------------------------------------------------

export function conditionText(c: Condition | null): string {
  if (c === null) return '';
  return c.kind === 'cr3' ? `cr3 == ${hex64(c.cr3)}` : `process ${c.name}`;
}

function conditionJson(c: Condition | null): unknown {
  if (c === null) return null;
  return c.kind === 'cr3' ? { cr3: hex64(c.cr3) } : { process: c.name };
}

/** `break` → `Breakpoint 1 at 0x… <sym>`, `hbreak` → `Hardware breakpoint 2 at … (DR0)`, `watch` → `Watchpoint 3 at …: 8 bytes, write (DR1)`. */
export function breakpointLine(bp: Breakpoint, symbol?: string): string {
  const at = `${hex64(bp.addr)}${symbol ? ` <${symbol}>` : ''}`;
  const slot = bp.slot !== null ? ` (DR${bp.slot})` : '';
  const cond = bp.condition ? ` if ${conditionText(bp.condition)}` : '';
  if (bp.kind === 'break') return `Breakpoint ${bp.number} at ${at}${cond}`;
  if (bp.kind === 'hbreak') return `Hardware breakpoint ${bp.number} at ${at}${slot}${cond}`;
  return `Watchpoint ${bp.number} at ${at}: ${bp.len} byte${bp.len === 1 ? '' : 's'}, ${bp.access}${slot}${cond}`;
}

export function breakpointJson(bp: Breakpoint, symbol?: string): Record<string, unknown> {
  const o: Record<string, unknown> = { number: bp.number, type: bp.kind, addr: hex64(bp.addr), location: bp.location };
  if (symbol !== undefined) o.symbol = symbol;
  if (bp.kind === 'watch') {
    o.len = bp.len;
    o.access = bp.access;
  }
  o.condition = conditionJson(bp.condition);
  o.enabled = bp.enabled;
  o.hits = bp.hits;
  o.slot = bp.slot;
  return o;
}

// ---- tables, disassembly ----------------------------------------------------

function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'boolean') return c ? 'y' : 'n';
  return String(c);
}

/** Columns padded to their widest cell, two blanks apart, numbers right-aligned; trailing blanks trimmed. */
export function renderTable(columns: readonly Column[], rows: readonly Record<string, Cell>[]): string[] {
  const cells = rows.map((r) => columns.map((c) => cellText(r[c.key] ?? null)));
  const widths = columns.map((c, k) => Math.max(c.header.length, ...cells.map((r) => r[k].length)));
  const right = columns.map((c) => c.align === 'right' || (c.align === undefined && rows.length > 0 && rows.every((r) => typeof r[c.key] === 'number' || r[c.key] === null)));
  const line = (vals: string[]) => vals.map((v, k) => (right[k] ? v.padStart(widths[k]) : v.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** `=> b1 0x0000000000401000 <counter_main>:  55                        push rbp` (`=>` marks RIP, `bN` a breakpoint). */
export function disasmLineText(l: DisasmLine): string {
  const mark = `${l.current ? '=>' : '  '} ${(l.bp !== undefined ? `b${l.bp}` : '').padEnd(3)}`;
  const sym = l.symbol ? ` <${l.symbol}>` : '';
  return `${mark} ${hex64(l.addr)}${sym}:  ${l.bytes.padEnd(26)}  ${l.text}`.trimEnd();
}

function disasmLineJson(l: DisasmLine): Record<string, unknown> {
  const o: Record<string, unknown> = { addr: hex64(l.addr), bytes: l.bytes, text: l.text };
  if (l.symbol !== undefined) o.symbol = l.symbol;
  if (l.bp !== undefined) o.bp = l.bp;
  if (l.current) o.current = true;
  return o;
}

// ---- results ----------------------------------------------------------------

/** The text form of a result: lines joined by '\n', '' when there is nothing to print. */
export function formatText(r: Result): string {
  switch (r.kind) {
    case 'text':
      return r.lines.join('\n');
    case 'none':
    case 'quit':
      return '';
    case 'output':
      return `Output format is ${r.format}.`;
    case 'error':
      return r.error.line;
    case 'stop':
      return [r.silent ? '' : stopLine(r.stop, r.symbol, r.temporary), ...(r.after ?? []).map(outcomeText)].filter((t) => t !== '').join('\n');
    case 'value':
      return valueText(r);
    case 'sequence':
      return r.outcomes.map(outcomeText).filter((t) => t !== '').join('\n');
    case 'backtrace':
      return r.frames.flatMap(frameLines).join('\n');
    case 'display': {
      if (r.inner.kind === 'value') return `${r.number}: ${valueText(r.inner)}`;
      if (r.inner.kind === 'error') return `${r.number}: ${r.expr}: ${r.inner.error.line}`;
      return `${r.number}: ${r.expr}\n${formatText(r.inner)}`;
    }
    case 'breakpoint':
      return r.temporary ? breakpointLine(r.bp, r.symbol).replace(/^Breakpoint/, 'Temporary breakpoint') : breakpointLine(r.bp, r.symbol);
    case 'fpu-value':
      return `${r.expr} = ${r.text}`;
    case 'registers': {
      const w = Math.max(...r.values.map(([n]) => n.length));
      return [...r.values.map(([n, v]) => `${n.padEnd(w)}  ${hex64(v)}`), ...(r.fpu ?? []).map((x) => x.line)].join('\n');
    }
    case 'memory':
      return r.rows.map((row) => `${hex64(row.addr)}${row.symbol ? ` <${row.symbol}>` : ''}:  ${row.cells.join('  ')}`).join('\n');
    case 'disassembly':
      return r.lines.map(disasmLineText).join('\n');
    case 'table': {
      if (r.rows.length === 0) return [r.empty, ...(r.footer ? [r.footer] : [])].join('\n');
      return [...renderTable(r.columns, r.rows), ...(r.footer ? [r.footer] : [])].join('\n');
    }
  }
}

/** A print value: `EXPR = 0x%016x (UNSIGNED DECIMAL) <sym>`, or `EXPR = FORMATTED` with a /FMT (at the type's size and signedness). */
function valueText(r: Extract<Result, { kind: 'value' }>): string {
  return `${r.expr} = ${valueShown(r)}`;
}

function valueShown(r: Extract<Result, { kind: 'value' }>): string {
  if (r.format !== undefined) return formatValue(r.value, r.size ?? 8, r.signed ?? false, r.format, r.symbol);
  // The decimal stays unsigned (vdbg's print line before /FMT existed); print/d gives the signed value.
  return `${hex64(r.value)} (${r.value})${r.symbol ? ` <${r.symbol}>` : ''}`;
}

/** `#1  0x… in name+off ()  [CPL 0, scan] sp=0x…`, after a `<user→kernel …>` line when an interrupt frame from user mode led to it. */
function frameLines(f: Frame): string[] {
  const lines: string[] = [];
  if (f.trap) lines.push(`    <user→kernel: interrupt/SYSCALL frame at ${hex64(f.trap.at)}: cs=0x${f.trap.cs.toString(16)} ss=0x${f.trap.ss.toString(16)} rflags=0x${f.trap.rflags.toString(16)}>`);
  lines.push(`#${f.level}  ${hex64(f.pc)}${f.symbol ? ` in ${f.symbol} ()` : ''}  [CPL ${f.cpl}${f.how === 'regs' ? '' : `, ${f.how}`}] sp=${hex64(f.sp)}`);
  return lines;
}

function frameJson(f: Frame): Record<string, unknown> {
  const o: Record<string, unknown> = { level: f.level, pc: hex64(f.pc), sp: hex64(f.sp), cpl: f.cpl, how: f.how };
  if (f.symbol !== undefined) o.symbol = f.symbol;
  if (f.cfa !== undefined) o.cfa = hex64(f.cfa);
  if (f.trap) o.trap = { at: hex64(f.trap.at), cs: hex64(f.trap.cs), ss: hex64(f.trap.ss), rflags: hex64(f.trap.rflags) };
  return o;
}

/** A nested line's text: its result, or its error line. */
function outcomeText(o: Outcome): string {
  return o.result.kind === 'error' ? o.result.error.line : formatText(o.result);
}

/** A nested line as an object: `{"cmd":…,"ok":true,"result":…}` or `{"cmd":…,"ok":false,"error":…,"code":…}`. */
function outcomeJson(o: Outcome): Record<string, unknown> {
  if (o.result.kind === 'error') return JSON.parse(errorJson(o.cmd, o.result.error)) as Record<string, unknown>;
  return { cmd: o.cmd, ok: true, result: resultJson(o.result) };
}

/** The `result` object of a successful command's JSON line. */
export function resultJson(r: Result): Record<string, unknown> {
  switch (r.kind) {
    case 'text':
      return { text: r.lines.join('\n') };
    case 'none':
    case 'error':
      return {};
    case 'quit':
      return { quit: true };
    case 'output':
      return { output: r.format };
    case 'stop': {
      const o = stopJson(r.stop, r.symbol);
      if (r.silent) o.silent = true;
      if (r.temporary) o.temporary = true;
      if (r.after !== undefined && r.after.length > 0) o.after = r.after.map(outcomeJson);
      return o;
    }
    case 'value': {
      const o: Record<string, unknown> = { expr: r.expr, value: hex64(r.value) };
      if (r.symbol !== undefined) o.symbol = r.symbol;
      if (r.format !== undefined) o.text = valueShown(r);
      if (r.history !== undefined) o.history = r.history;
      return o;
    }
    case 'sequence':
      return { results: r.outcomes.map(outcomeJson), failed: r.failed };
    case 'backtrace':
      return { frames: r.frames.map(frameJson) };
    case 'display':
      return { display: r.number, expr: r.expr, ...outcomeJson({ cmd: r.inner.kind === 'value' ? 'print' : 'x', result: r.inner }) };
    case 'breakpoint':
      return r.temporary ? { ...breakpointJson(r.bp, r.symbol), temporary: true } : breakpointJson(r.bp, r.symbol);
    case 'fpu-value':
      return { expr: r.expr, value: r.text };
    case 'registers':
      return Object.fromEntries([...r.values.map(([n, v]) => [n, hex64(v)]), ...(r.fpu ?? []).map((x) => [x.name, x.json])]);
    case 'memory':
      return {
        addr: hex64(r.addr),
        format: r.format,
        unit: r.unit,
        count: r.count,
        values: r.rows.flatMap((row) => row.cells),
      };
    case 'disassembly':
      return { lines: r.lines.map(disasmLineJson) };
    case 'table':
      return { ...(r.extra ?? {}), rows: r.rows };
  }
}

/** One JSON line for a command: ok with its result, or the error (with the script line when known). */
export function formatJson(cmd: string, r: Result, line?: number): string {
  if (r.kind === 'error') return errorJson(cmd, r.error, line);
  return JSON.stringify({ cmd, ok: true, result: resultJson(r) });
}

/** `{"cmd":…,"ok":false,"error":"…","line":N,"code":"…","hint":"…"}` (documented keys first). */
export function errorJson(cmd: string, e: CommandError, line?: number): string {
  const o: Record<string, unknown> = { cmd, ok: false, error: e.message };
  if (line !== undefined) o.line = line;
  o.code = e.code;
  if (e.hint !== undefined) o.hint = e.hint;
  return JSON.stringify(o);
}
