/**
 * Layout only: places the panes for the terminal size (layout.ts) and hands
 * each its slice of the snapshot. Pure — no hooks — so a frame can be
 * rendered from a snapshot alone (renderFrame in index.tsx, tests, benchmarks).
 */
import { Box } from 'ink';
import { CommandLine } from './CommandLine.tsx';
import { ConsoleView } from './ConsoleView.tsx';
import { DisassemblyView } from './DisassemblyView.tsx';
import { HitsView } from './HitsView.tsx';
import { HypervisorView } from './HypervisorView.tsx';
import { viewLayout } from './layout.ts';
import { MemoryView } from './MemoryView.tsx';
import { OverlayView } from './OverlayView.tsx';
import { ProcessesView } from './ProcessesView.tsx';
import { RegistersView } from './RegistersView.tsx';
import { StackView } from './StackView.tsx';
import type { ViewState } from './snapshot.ts';
import { StatusLine } from './StatusLine.tsx';
import { TimelineRow } from './TimelineRow.tsx';
import type { Theme } from './theme.ts';

export interface Props {
  readonly view: ViewState;
  readonly columns: number;
  readonly rows: number;
  readonly theme: Theme;
}

export function App({ view: v, columns, rows, theme }: Props) {
  const L = viewLayout(v, columns, rows);
  const f = (p: ViewState['focus']) => p === v.focus && !v.input.active;
  const common = { theme };
  const regs = <RegistersView regs={v.regs} prevRegs={v.prevRegs} vcpu={v.vcpu} view={v.regView} fpu={v.fpu} prevFpu={v.prevFpu} {...L.registers} focused={f('registers')} sel={v.sel.registers} {...common} />;
  const dis = <DisassemblyView lines={v.disasm} {...L.disassembly} focused={f('disassembly')} sel={v.sel.disassembly} running={v.state === 'running'} {...common} />;
  // `m`: the memory and stack panes take the processes and hits panes' places (and focus slots).
  const mem = v.lower === 'memory';
  const procs = mem ? <MemoryView memory={v.memory} {...L.processes} focused={f('processes')} {...common} /> : <ProcessesView processes={v.processes} filter={v.filter} {...L.processes} focused={f('processes')} sel={v.sel.processes} {...common} />;
  const hits = mem ? <StackView stack={v.stack} {...L.hits} focused={f('hits')} {...common} /> : <HitsView hits={v.hits} total={v.hitCount} {...L.hits} focused={f('hits')} sel={v.sel.hits} {...common} />;
  const hv = <HypervisorView counters={v.counters} jit={v.jit} rates={v.rates} vcpu={v.vcpu} skipped={v.skipped} {...L.hypervisor} focused={f('hypervisor')} sel={v.sel.hypervisor} {...common} />;
  const con = <ConsoleView lines={v.console} partial={v.consolePartial} {...L.console} focused={f('console')} input={v.consoleInput} back={v.sel.console} {...common} />;
  let body;
  if (L.mode === 'narrow')
    body = <Box flexDirection="column">{regs}{dis}{procs}{hits}{hv}{con}</Box>;
  else {
    // wide and medium: registers on the left, disassembly and the lists on the right; the hypervisor under one of them or below.
    const at = L.hypervisorAt;
    const left = at === 'left' ? <Box flexDirection="column">{regs}{hv}</Box> : regs;
    const right = <Box flexDirection="column">{dis}<Box flexDirection="row">{procs}{hits}</Box>{at === 'right' ? hv : null}</Box>;
    body = <Box flexDirection="column"><Box flexDirection="row">{left}{right}</Box>{at === 'band' ? hv : null}{con}</Box>;
  }
  // overflowY, not overflow: a horizontal clip costs Ink a slice of every line (Pane.tsx).
  return (
    <Box flexDirection="column" width={L.columns} height={L.body.height + 2 + (v.record !== null ? 1 : 0)} overflowY="hidden">
      <Box height={L.body.height} overflowY="hidden" flexShrink={0}>
        {body}
        {v.overlay !== null && <OverlayView overlay={v.overlay} body={L.body} theme={theme} />}
      </Box>
      {v.record !== null && <TimelineRow record={v.record} hits={v.hits} filter={v.filter} width={L.columns} theme={theme} />}
      <CommandLine input={v.input} width={L.columns} theme={theme} />
      <StatusLine state={v.state} backend={v.backend} filter={v.filter} record={v.record} message={v.message} consoleInput={v.consoleInput} width={L.columns} theme={theme} />
    </Box>
  );
}
