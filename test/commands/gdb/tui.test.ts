/**
 * gdb and the TUI on one session: the store shows gdb's runs (running, then
 * the stop) and its changes, and a pause in the TUI stops gdb's continue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GdbServer } from '../../../src/commands/gdb/server.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { TuiStore } from '../../../src/views/store.ts';
import { RawClient } from './client.ts';

describe('gdb alongside the TUI store (emu)', () => {
  let s: Session;
  let server: GdbServer;
  let store: TuiStore;
  let c: RawClient;
  const states: string[] = [];

  beforeAll(async () => {
    s = await Session.open({ backend: 'emu' });
    store = new TuiStore(s, { frameMs: 0, clock: () => 0 });
    store.subscribe(() => states.push(store.getSnapshot().state));
    server = await GdbServer.start(s, { port: 0 });
    c = await RawClient.connect(server.port);
    await c.request('qSupported:swbreak+');
  });
  afterAll(async () => {
    c?.close();
    await server?.close();
    store?.dispose();
    await s?.close();
  });

  it('shows a breakpoint gdb inserts, then gdb\'s run and its stop', async () => {
    const main = s.symbols.address('counter_main');
    expect(await c.request(`Z0,${main.toString(16)},1`)).toBe('OK');
    expect(store.getSnapshot().breakpoints.map((b) => b.location)).toEqual(['gdb:counter_main']);
    states.length = 0;
    expect(await c.request('vCont;c')).toMatch(/^T05swbreak:;thread:3;/);
    const v = store.getSnapshot();
    expect(states).toContain('running');
    expect(v.state).toBe('stopped');
    expect(v.regs?.rip).toBe(main);
    expect(v.stop?.reason).toBe('breakpoint');
    expect(v.message?.text).toMatch(/^Breakpoint \d+ hit: cr3=0x0000000000117000 \(counter\) rip=0x00000000400004a0 <counter_main>/);
    expect(v.console.slice(-2).map((l) => l.text)).toEqual(['(gdb)', v.message!.text]);
    expect(v.disasm.find((l) => l.current)?.addr).toBe(main);
  });

  it('shows registers gdb writes', async () => {
    expect(await c.request('P0=2a00000000000000')).toBe('OK');
    expect(store.getSnapshot().regs?.rax).toBe(0x2an);
  });

  it('shows a monitor command that runs the guest as gdb\'s run', async () => {
    const rip = s.registers().rip;
    expect(await c.request(`qRcmd,${Buffer.from('stepi').toString('hex')}`)).toBe('OK');
    expect(c.output).toMatch(/^Stepped: cr3=0x0000000000117000 \(counter\) rip=0x[0-9a-f]{16} <counter_main\+2>\n$/);
    const v = store.getSnapshot();
    expect(v.regs?.rip).toBe(rip + 2n);
    expect(v.stop?.reason).toBe('step');
    expect(v.console.at(-1)?.text).toBe(c.output.trim());
  });

  it('pausing in the TUI stops gdb\'s continue (gdb gets SIGINT)', async () => {
    expect(await c.request(`z0,${s.symbols.address('counter_main').toString(16)},1`)).toBe('OK');
    c.send('vCont;c');
    const t0 = Date.now();
    while (store.getSnapshot().state !== 'running' && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(store.getSnapshot().state).toBe('running');
    // The command line refuses commands that need the vCPU while gdb runs the guest.
    await store.run('stepi');
    expect(store.getSnapshot().message).toEqual({ text: 'the guest is running: press c, space or p to pause it first', error: true });
    store.dispatch({ type: 'pause' });
    expect(await c.next()).toMatch(/^T02thread:/);
    expect(store.getSnapshot().state).toBe('stopped');
    expect(store.getSnapshot().stop?.reason).toBe('interrupted');
  });

  it('a gdb resume while the TUI runs the guest reports the TUI run\'s stop', async () => {
    const done = store.run('continue');
    while (s.state !== 'running') await new Promise((r) => setTimeout(r, 5));
    expect(await c.request('g')).toBe('E.the guest is running (started outside gdb); interrupt it first');
    c.send('vCont;c');
    await new Promise((r) => setTimeout(r, 100));
    store.dispatch({ type: 'pause' });
    await done;
    expect(await c.next()).toMatch(/^T02thread:/);
  });
});
