/**
 * reverse-nexti and reverse-finish in the session (issue 15) over a vmos
 * run on emu: the CALL of `new_address_space` is found from the recorded history —
 * stepping back over the RET that returned from it, and from inside it.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';

describe('reverse-nexti / reverse-finish (emu, vmos)', () => {
  it('land on the CALL of the function, just before it ran', async () => {
    const s = await Session.open({ backend: 'emu', image: 'vmos' });
    s.travel.record();
    const entry = s.symbols.address('new_address_space');
    s.addBreakpoint({ kind: 'break', addr: entry, location: 'new_address_space' });
    expect((await s.cont()).reason).toBe('breakpoint');
    s.deleteBreakpoint(1);
    const atEntry = s.travel.info()!.icount;
    const rspInside = s.registers().rsp;

    // At the entry the previous instruction is the CALL itself (not a RET): one instruction back.
    const back = await s.travel.reverseNexti(1);
    const call = { icount: atEntry - 1, rip: back.rip };
    expect(s.travel.info()!.icount).toBe(call.icount);
    expect(s.registers().rsp).toBe(rspInside + 8n);

    // From inside, after calls made and returned within it: reverse-finish goes back to the CALL.
    await s.travel.goto(atEntry);
    for (let k = 0; k < 15; k++) await s.nexti(1);
    expect(s.registers().rsp).toBeLessThan(rspInside + 8n); // still inside new_address_space
    const fin = await s.travel.reverseFinish();
    expect(fin.rip).toBe(call.rip);
    expect(s.travel.info()!.icount).toBe(call.icount);

    // After the function returned (nexti forward over the CALL): reverse-nexti steps back over the whole call.
    await s.travel.goto(call.icount);
    expect((await s.nexti(1)).reason).toBe('step');
    const after = s.travel.info()!.icount;
    expect(after).toBeGreaterThan(atEntry + 1);
    const over = await s.travel.reverseNexti(1);
    expect(over.rip).toBe(call.rip);
    expect(s.travel.info()!.icount).toBe(call.icount);
    // and reverse-stepi from the same place goes into the callee (its RET), not over it
    await s.travel.goto(after);
    await s.travel.reverseStepi(1);
    expect(s.registers().rsp).toBe(rspInside);
    await s.close();
  });
});
