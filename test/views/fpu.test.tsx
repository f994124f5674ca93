/**
 * The registers pane's FPU/SSE view on a real emulated session: `v` toggles
 * it, the x87 registers, control words, MXCSR and XMM lanes show, and what
 * changed since the previous stop — a lane, ST(0), FCW — is marked `*`
 * (bold red in colour). The values are set through the command line
 * (KVM_SET_FPU): the emulator does not run SSE/x87 instructions yet.
 */
import { renderToString } from 'ink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistersView } from '../../src/views/RegistersView.tsx';
import { KEY_HELP } from '../../src/views/keymap.ts';
import type { TuiStore } from '../../src/views/store.ts';
import { MONO } from '../../src/views/theme.ts';
import { openStore } from './helpers.ts';

let store: TuiStore;
beforeAll(async () => {
  store = await openStore();
  store.key({ name: 'char', ch: 'v' }); // the FPU/SSE view: read at every stop from now on
  await store.idle();
  await store.run('stepi'); // a stop: the state before the edits below is what they are compared with
  await store.run('set $xmm1.v4_int32[2] = 0x1234');
  await store.run('set $st0 = 2.5');
  await store.run('set $fstat = 0x3800');
  await store.run('set $ftag = 0x3fff');
  await store.run('set $fctrl = 0x27f');
});
afterAll(async () => {
  await store.session.close();
  store.dispose();
});

const frame = (width: number, height: number, sel = 0) => {
  const v = store.getSnapshot();
  return renderToString(
    <RegistersView regs={v.regs} prevRegs={v.prevRegs} vcpu={v.vcpu} view="fpu" fpu={v.fpu} prevFpu={v.prevFpu} width={width} height={height} focused sel={sel} theme={MONO} />,
    { columns: width },
  );
};

describe('registers pane: FPU/SSE view', () => {
  it('marks the changed lane, ST(0) and FCW; two columns of control words, four lanes a line', () => {
    const f = frame(60, 40);
    expect(f).toContain('fctrl 027f*');
    expect(f).toContain('fstat 3800*');
    expect(f).toContain('mxcsr [ IM DM ZM OM UM PM ]');
    expect(f).toContain('st0   2.5*');
    expect(f).toContain('st1   (empty)');
    expect(f).toContain('xmm1  00000000  00000000  00001234* 00000000');
    expect(f).toContain('xmm2  00000000  00000000  00000000  00000000');
    expect(f).toMatchSnapshot();
  });

  it('in a narrow pane: two lanes a line, nothing cut; scrolled to the selection', () => {
    const f = frame(30, 12, 30);
    expect(f.split('\n').every((l) => [...l].length <= 30)).toBe(true);
    expect(f).toMatch(/xmm\d+ +[0-9a-f]{8}[ *] [0-9a-f]{8}/);
    expect(f).toMatchSnapshot();
  });
  it('v toggles the view back and forth: hidden, the registers are not read; the help lists the key', async () => {
    expect(store.getSnapshot()).toMatchObject({ regView: 'fpu' });
    store.key({ name: 'char', ch: 'v' });
    await store.idle();
    expect(store.getSnapshot()).toMatchObject({ regView: 'gpr', fpu: null, prevFpu: null });
    store.key({ name: 'char', ch: 'v' });
    await store.idle();
    expect(store.getSnapshot().regView).toBe('fpu');
    expect(store.getSnapshot().fpu?.fctrl).toBe(0x27f);
    expect(KEY_HELP.some(([k, what]) => k === 'v' && /FPU-SSE/.test(what))).toBe(true);
  });
});
