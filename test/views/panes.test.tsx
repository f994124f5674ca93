/**
 * Each pane alone (renderToString, fixed width), on states from really
 * running the bundled guest; rates from two real counter samples taken a
 * fixed 1000 ms apart on an injected clock.
 */
import { renderToString } from 'ink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandLine } from '../../src/views/CommandLine.tsx';
import { ConsoleView } from '../../src/views/ConsoleView.tsx';
import { DisassemblyView } from '../../src/views/DisassemblyView.tsx';
import { HitsView } from '../../src/views/HitsView.tsx';
import { HypervisorView } from '../../src/views/HypervisorView.tsx';
import { OverlayView } from '../../src/views/OverlayView.tsx';
import { ProcessesView } from '../../src/views/ProcessesView.tsx';
import { RegistersView } from '../../src/views/RegistersView.tsx';
import { StatusLine } from '../../src/views/StatusLine.tsx';
import { Session } from '../../src/commands/session/index.ts';
import { TuiStore } from '../../src/views/store.ts';
import type { ViewState } from '../../src/views/snapshot.ts';
import { MONO } from '../../src/views/theme.ts';

let store: TuiStore;
let v: ViewState;
let ratesView: ViewState;
const theme = MONO;

beforeAll(async () => {
  let now = 0;
  const session = await Session.open({ backend: 'emu' });
  store = new TuiStore(session, { frameMs: 0, clock: () => now });
  await store.run('break counter_main');
  await store.run('continue');
  await store.run('stepi');
  await store.run('stepi');
  v = store.getSnapshot();
  // A run, then one frame 1000 ms after it started: rates are the counters' growth over it.
  await store.run('watch 0x40100008 if process watcher');
  await store.run('continue');
  now = 1000;
  store.tick();
  ratesView = store.getSnapshot();
});
afterAll(async () => {
  await store.session.close();
  store.dispose();
});

const frame = (el: React.JSX.Element, columns = 80) => renderToString(el, { columns });

describe('panes', () => {
  it('registers: changed ones marked, rflags decoded, one and two columns', () => {
    const f = frame(<RegistersView regs={v.regs} prevRegs={v.prevRegs} vcpu={v.vcpu} width={57} height={20} focused sel={0} theme={theme} />);
    expect(f).toMatch(/rip +0x[0-9a-f]{16}\*/);
    expect(f).toMatch(/flags \[.*IF.*\]/);
    for (const r of ['cr0', 'cr2', 'cr3', 'cr4', 'efer', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'xcr0']) expect(f).toContain(r);
    expect(f).toMatchSnapshot('two columns');
    expect(frame(<RegistersView regs={v.regs} prevRegs={v.prevRegs} vcpu={v.vcpu} width={30} height={12} focused={false} sel={0} theme={theme} />)).toMatchSnapshot('one column, short');
  });

  it('registers: R16–R31 on an APX vCPU that cannot read them say why', () => {
    const vcpu = { ...v.vcpu!, apx: true, egprsUnavailable: 'KVM has no uAPI for them' };
    expect(frame(<RegistersView regs={v.regs} prevRegs={null} vcpu={vcpu} width={57} height={20} focused={false} sel={0} theme={theme} />)).toContain('r16–r31: KVM has no uAPI for them');
    const regs = { ...v.regs!, ...Object.fromEntries(Array.from({ length: 16 }, (_, k) => [`r${16 + k}`, BigInt(k)])) };
    const f = frame(<RegistersView regs={regs} prevRegs={null} vcpu={{ ...v.vcpu!, apx: true }} width={57} height={30} focused={false} sel={0} theme={theme} />);
    expect(f).toContain('r16    0x0000000000000000');
    expect(f).toContain('r31    0x000000000000000f');
  });

  it('disassembly: RIP, breakpoint, symbols, selection', () => {
    const f = frame(<DisassemblyView lines={v.disasm} width={80} height={10} focused sel={2} theme={theme} />);
    expect(f).toContain('●0x400004a0');
    expect(f).toMatch(/→ 0x400004a4 +<counter_main\+4>/);
    expect(f).toMatchSnapshot();
    expect(frame(<DisassemblyView lines={v.disasm} width={40} height={6} focused={false} sel={2} theme={theme} />)).toMatchSnapshot('narrow: symbols dropped');
  });

  it('hits, processes (current CR3 marked, filter), hypervisor with rates', () => {
    expect(frame(<HitsView hits={v.hits} total={v.hitCount} width={60} height={7} focused={false} sel={0} theme={theme} />)).toMatchSnapshot('hits');
    const procs = frame(<ProcessesView processes={v.processes} filter={{ kind: 'process', name: 'watcher' }} width={60} height={10} focused={false} sel={0} theme={theme} />);
    expect(procs).toMatch(/▸0x[0-9a-f]+ +2 counter/);
    expect(procs).toContain('[filter]');
    expect(procs).toMatchSnapshot('processes');
    const hv = frame(<HypervisorView counters={ratesView.counters} rates={ratesView.rates} vcpu={ratesView.vcpu} skipped={v.skipped} width={100} height={7} focused={false} sel={0} theme={theme} />, 100);
    expect(hv).toMatch(/IO \d+ \(\d+(\.\d+k)?\/s\)/);
    for (const t of ['DR:', 'DR intercepts', 'DR loads', 'XCR0 writes', 'R16–R31 swaps', 'ioctls', 'skipped']) expect(hv).toContain(t);
    expect(hv).toMatchSnapshot('hypervisor while running');
    expect(frame(<HypervisorView counters={v.counters} rates={null} vcpu={v.vcpu} skipped={v.skipped} width={60} height={8} focused sel={0} theme={theme} />)).toMatchSnapshot('hypervisor stopped, narrow');
    // The emulated hypervisor's local APIC shows once the guest made it work (vmos never does: no line then).
    expect(hv).not.toContain('lapic');
    const withApic = { ...v.counters, 'lapic.timer': 6, 'lapic.injected': 7, 'lapic.eoi': 7 };
    const rated = { ...(ratesView.rates ?? {}), 'lapic.timer': 1000 };
    const hvApic = frame(<HypervisorView counters={withApic} rates={rated} vcpu={v.vcpu} skipped={v.skipped} width={100} height={9} focused={false} sel={0} theme={theme} />, 100);
    expect(hvApic).toMatch(/lapic +eoi 7 {2}injected 7 {2}timer 6 \(1000\/s\)/);
  });

  it('console, command line, status line, help', () => {
    expect(frame(<ConsoleView lines={v.console} partial="" width={80} height={8} focused={false} back={0} theme={theme} />)).toMatchSnapshot('console tail');
    expect(frame(<ConsoleView lines={v.console} partial="" width={80} height={6} focused back={3} theme={theme} />)).toMatchSnapshot('console scrolled back');
    expect(frame(<CommandLine input={{ active: true, text: 'info re', cursor: 7, completions: [] }} width={40} theme={theme} />)).toBe('(vdbg) info re█');
    expect(frame(<CommandLine input={{ active: true, text: 'info ', cursor: 5, completions: ['breakpoints', 'exits', 'hits'] }} width={60} theme={theme} />)).toMatchSnapshot('completions');
    expect(frame(<StatusLine state="running" backend="kvm" filter={{ kind: 'process', name: 'counter' }} record={null} message={{ text: "no symbol 'foo'", error: true }} width={80} theme={theme} />)).toMatchSnapshot('status');
    expect(frame(<StatusLine state="shutdown" backend="emu" filter={null} record={null} message={null} width={80} theme={theme} />)).toContain('shut down (triple fault) · emu · ? help');
    expect(frame(<OverlayView overlay={{ kind: 'help', title: '', lines: [], top: 0 }} body={{ width: 70, height: 30 }} theme={theme} />)).toMatchSnapshot('help');
  });
});
