import { defineCommand } from '../command.ts';
import { hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';
import { unwind } from '../unwind.ts';

const HOW: Record<string, string> = { regs: 'the registers', fp: 'the frame pointer', scan: 'a stack scan', trap: 'an interrupt frame' };

export const infoFrameCommand = defineCommand<void>({
  name: 'info frame',
  aliases: [],
  summary: 'the current frame: RIP, CPL, where the return address is saved, the caller',
  usage: 'info frame',
  parse: (input) => noArgs(input, 'info frame'),
  run(session) {
    const [f, caller] = unwind(session, 2);
    const st = session.systemState();
    const lines = [
      `Stack level 0, frame at ${f.cfa !== undefined ? hex64(f.cfa) : '(unknown: no caller found)'}:`,
      ` rip = ${hex64(f.pc)}${f.symbol ? ` in ${f.symbol}` : ''}; saved rip = ${caller ? hex64(caller.pc) : '(unknown)'}`,
    ];
    if (caller) {
      lines.push(` called by frame at ${caller.cfa !== undefined ? hex64(caller.cfa) : hex64(caller.sp)}${caller.symbol ? ` (${caller.symbol})` : ''}, found by ${HOW[caller.how]}`);
      if (caller.trap) lines.push(` entered from user mode: interrupt frame at ${hex64(caller.trap.at)}, user cs=0x${caller.trap.cs.toString(16)} ss=0x${caller.trap.ss.toString(16)} rsp=${hex64(caller.sp)}`);
    }
    lines.push(` CPL ${f.cpl} (cs=0x${st.segments.cs.selector.toString(16)}, ss=0x${st.segments.ss.selector.toString(16)}), rsp = ${hex64(f.sp)}`);
    if (f.savedPcAt !== undefined) lines.push(` Saved registers:\n  rip at ${hex64(f.savedPcAt)}`);
    return { kind: 'text', lines };
  },
});
