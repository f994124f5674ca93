/**
 * One line per row for the processes, hits and disassembly panes, fitted to
 * the pane's width (most useful columns first; the rest dropped when narrow).
 */
import type { DisasmLine } from '../../commands/disasm.ts';
import { processName } from '../../commands/lang/format.ts';
import { conditionMatches } from '../../commands/session/breakpoint-rules.ts';
import type { Condition, Hit, ProcessRow } from '../../commands/session/types.ts';
import { fit, hexShort } from './text.ts';

/**
 * `▸0x10c000   1 init      running  3 hits`, and `[filter]` at the right
 * edge for a process the filter keeps; `▸` marks the current CR3. When the
 * width is short the state goes first, then the hit count, and only then
 * is the name cut — `[filter]` always shows.
 */
/** Whether the filter `f` keeps the process of `cr3` (named `name`, when known); false without a filter. */
export function filterKeeps(f: Condition | null, cr3: bigint | undefined, name: string | undefined): boolean {
  return f !== null && conditionMatches(f, cr3, name);
}

export function processLine(p: ProcessRow, width: number, filtered = false): string {
  const mark = p.current ? '▸' : ' ';
  const pid = p.pid === undefined ? '  -' : String(p.pid).padStart(3);
  const cr3 = p.cr3 === undefined ? '-' : hexShort(p.cr3); // a kernel thread has no address space of its own
  const head = `${mark}${cr3.padEnd(9)} ${pid} ${(processName(p) ?? '(unnamed)').padEnd(9)}`;
  const hits = p.hits > 0 ? `${p.hits} hit${p.hits === 1 ? '' : 's'}` : '';
  const tag = filtered && width > 20 ? ' [filter]' : '';
  const room = width - tag.length;
  const tagged = (line: string) => (tag ? line.padEnd(room) + tag : line);
  for (const rest of [[(p.state ?? '').padEnd(8), hits], [hits]]) {
    const line = [head, ...rest].join(' ').trimEnd();
    if (line.length <= room) return tagged(line);
  }
  return tagged(fit(head.trimEnd(), room));
}

/** `#41 bp1 counter 0x40000512 #BP` (newest first in the pane). */
export function hitLine(h: Hit, width: number): string {
  const exc = h.exception === 3 ? '#BP' : h.exception === 1 ? '#DB' : `#${h.exception}`;
  const dr6 = h.exception === 1 ? ` dr6=${hexShort(h.dr6)}` : '';
  return fit(`#${h.seq} bp${h.bp} ${h.process ?? hexShort(h.cr3)} ${hexShort(h.rip)} ${exc}${dr6}`, width);
}

/**
 * `→● 0x401018 <counter_loop+4>  add rax, 1`: `→` RIP, `●` an enabled
 * breakpoint; the symbol is dropped first when the pane is narrow.
 */
export function disasmLine(l: DisasmLine, width: number): string {
  const mark = `${l.current ? '→' : ' '}${l.bp !== undefined ? '●' : ' '}`;
  const addr = hexShort(l.addr).padEnd(11);
  const sym = l.symbol ? `<${l.symbol}>` : '';
  const full = `${mark}${addr}${sym ? ` ${sym.padEnd(20)}` : ''} ${l.text}`;
  if (full.length <= width || !sym) return fit(full, width);
  return fit(`${mark}${addr} ${l.text}`, width);
}
