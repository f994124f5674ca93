/**
 * The guest's serial input through the session (issue 12): consoleSend
 * stopped and while a command runs, contUntilConsole's stops (the text, a
 * guest waiting for input on emu), on both backends; and time travel: the
 * input is logged, so going back over it and forward again replays it.
 * The guest is test/support's echo kernel (ECHO_SOURCE): it echoes COM1's
 * input by interrupt and writes the exit port on a newline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';
import { WAITING_FOR_INPUT } from '../../../src/commands/session/halt-watch.ts';
import type { BackendName } from '../../../src/core/backend.ts';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { echoKernelMissing, writeEchoKernel } from '../../support/echo-kernel.ts';

if (echoKernelMissing) console.warn(`[skip] console input: ${echoKernelMissing}`);
const kernel = echoKernelMissing ? null : writeEchoKernel();
afterAll(() => kernel?.remove());
const kvmSkip = kvmSkipReason('console input on /dev/kvm');
const bytes = (t: string) => Uint8Array.from(Buffer.from(t, 'latin1'));

async function echo(backend: BackendName) {
  const s = await Session.open({ backend, linux: { kernel: kernel!.file }, memSize: 16 << 20 });
  let out = '';
  s.onConsole = (t) => (out += t);
  return { s, out: () => out };
}

describe.skipIf(echoKernelMissing !== undefined)('console input (echo kernel)', () => {
  it('emu: continue-until-console stops where the text is complete, only on output after it started; a waiting guest stops as such', async () => {
    const { s, out } = await echo('emu');
    // Nothing sent: the guest sets up and waits in HLT; only input could wake it.
    const waiting = await s.contUntilConsole('hello');
    expect(waiting).toMatchObject({ reason: 'halt', detail: WAITING_FOR_INPUT });
    expect(s.consoleSend(bytes('hello'))).toBeNull();
    const at = await s.contUntilConsole('ell');
    expect(at.reason).toBe('console');
    expect(at.detail).toBe('the guest printed "ell"');
    expect(out()).toBe('hell'); // stopped right after the OUT that completed it
    expect((await s.contUntilConsole('o')).reason).toBe('console');
    expect(out()).toBe('hello');
    // 'h' was printed before this command: it does not count.
    expect(await s.contUntilConsole('h')).toMatchObject({ reason: 'halt', detail: WAITING_FOR_INPUT });
    s.consoleSend(bytes('\n'));
    expect(await s.cont()).toMatchObject({ reason: 'exit', status: 2 }); // two interrupts: "hello", then the newline
    await s.close();
  });

  it('emu: the same script gives the same stops and icounts twice (deterministic)', async () => {
    const run = async () => {
      const { s, out } = await echo('emu');
      s.travel.record();
      const trail: string[] = [];
      for (const [send, wait] of [['', 'x'], ['ab', 'b'], ['cd', 'c']]) {
        if (send) s.consoleSend(bytes(send));
        const st = await s.contUntilConsole(wait);
        trail.push(`${st.reason} ${st.rip.toString(16)} ${s.travel.icount} ${out()}`);
      }
      await s.close();
      return trail;
    };
    expect(await run()).toEqual(await run());
  });

  for (const backend of ['emu', 'kvm'] as const) {
    it.skipIf(backend === 'kvm' && kvmSkip !== undefined)(`${backend}: input sent while continue runs reaches the guest, the run going on`, async () => {
      const { s, out } = await echo(backend);
      const running = s.cont();
      await new Promise((r) => setTimeout(r, 50));
      expect(s.state).toBe('running');
      expect(s.consoleSend(bytes('hi\n'))).toBeNull();
      const stop = await running;
      expect(stop, stop.detail).toMatchObject({ reason: 'exit' });
      expect(out()).toBe('hi');
      await s.close();
    });

    it.skipIf(backend === 'kvm' && kvmSkip !== undefined)(`${backend}: console-send when stopped, continue-until-console`, async () => {
      const { s, out } = await echo(backend);
      s.consoleSend(bytes('hello'));
      const stop = await s.contUntilConsole('llo');
      expect(stop.reason, stop.detail).toBe('console');
      expect(out()).toBe('hello');
      s.consoleSend(bytes('\n'));
      expect(await s.cont()).toMatchObject({ reason: 'exit' });
      await s.close();
    });
  }
});

describe.skipIf(echoKernelMissing !== undefined)('console input and time travel (emu)', () => {
  it('going back over a console-send and forward again replays the input: the same output, stop and registers', async () => {
    const { s, out } = await echo('emu');
    s.travel.record();
    await s.contUntilConsole('x'); // set up, waiting for input
    const sentAt = s.travel.icount!;
    s.consoleSend(bytes('ab'));
    const first = await s.contUntilConsole('b');
    expect(first.reason).toBe('console');
    const end = s.travel.icount!;
    const regs = s.registers();
    expect(out()).toBe('ab');

    // Back to before the input, then forward with the same command: the logged input happens again at its icount.
    await s.travel.reverseStepi(end - sentAt + 3);
    expect(s.travel.icount).toBe(sentAt - 3);
    const before = out().length;
    const again = await s.contUntilConsole('b');
    expect(again.reason, again.detail).toBe('console');
    expect(out().slice(before)).toBe('ab');
    expect(s.travel.icount).toBe(end);
    expect(s.registers()).toEqual(regs);
    expect(again.detail).toBe(first.detail);

    // And with run-for's instruction count (the budget is cut at the input's icount, then goes on). The console
    // stop was at the OUT of 'b' (a KVM_EXIT_IO completes at the next entry, so it has not retired): one more.
    await s.travel.goto(sentAt - 2);
    const counted = out().length;
    expect((await s.runFor(end + 1 - (sentAt - 2))).reason).toBe('budget');
    expect(s.travel.icount).toBe(end + 1);
    expect(out().slice(counted)).toBe('ab');
    // And by single steps up to the input, then one more: the input is there (the step wakes the guest into its handler).
    await s.travel.goto(sentAt - 2);
    const stepped = out().length;
    await s.stepi(2);
    expect(s.travel.icount).toBe(sentAt);
    await s.stepi(1);
    expect(out().slice(stepped)).toBe('ab');
    await s.close();
  });

  it('a console-send while back in time forks the future and says so', async () => {
    const { s } = await echo('emu');
    s.travel.record();
    await s.contUntilConsole('x');
    s.consoleSend(bytes('a'));
    await s.contUntilConsole('a');
    await s.travel.reverseStepi(5);
    expect(s.consoleSend(bytes('z'))).toMatch(/recorded future was discarded/);
    await s.close();
  });
});
