/**
 * What the gdb server needs from the session beyond the command language:
 * reads and writes through another process's CR3, writes at all, and the
 * segment registers (SessionApi additions in session/types.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';

describe('SessionApi additions for the gdb server (emu, vmos)', () => {
  let s: Session;
  let counters: bigint[];
  const count = () => s.symbols.address('count');

  beforeAll(async () => {
    s = await Session.open({ backend: 'emu' });
    s.addBreakpoint({ kind: 'break', addr: s.symbols.address('counter_main'), location: 'counter_main' });
    await s.cont(1); // the first counter
    s.deleteBreakpoint();
    s.addBreakpoint({ kind: 'watch', addr: count(), location: 'count', len: 8 });
    await s.cont(1); // a counter's first count++ (the watch fires in either counter)
    await s.cont(1);
    s.deleteBreakpoint();
    counters = s.processes().filter((p) => p.name === 'counter').map((p) => p.cr3!);
  });
  afterAll(async () => {
    await s.close();
  });

  it('reads the same virtual address in two address spaces by CR3', () => {
    expect(counters).toHaveLength(2);
    const [a, b] = counters.map((cr3) => new DataView(s.readVirtual(count(), 8, cr3).slice().buffer).getBigUint64(0, true));
    // Each counter increments its private copy: the two differ (one has counted further), and the current one matches a plain read.
    const cur = new DataView(s.readVirtual(count(), 8).slice().buffer).getBigUint64(0, true);
    expect([a, b]).toContain(cur);
    expect(a).not.toBe(b);
  });

  it('writes through a given CR3 only into that process', () => {
    const [a, b] = counters;
    const before = s.readVirtual(count(), 8, b);
    s.writeVirtual(count(), new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08]), a);
    expect([...s.readVirtual(count(), 8, a)]).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08]);
    expect([...s.readVirtual(count(), 8, b)]).toEqual([...before]);
  });

  it('refuses a write across an unmapped page and writes nothing', () => {
    // 0x401fc000 is the lowest user stack page; the page below it is not mapped.
    const la = 0x401fc000n - 2n;
    const mapped = [...s.readVirtual(0x401fc000n, 2)];
    expect(() => s.writeVirtual(la, new Uint8Array([0xaa, 0xbb, 0xcc, 0xdd]))).toThrow(/cannot write 0x401fbffe: not mapped/);
    expect([...s.readVirtual(0x401fc000n, 2)]).toEqual(mapped);
    expect(mapped).not.toEqual([0xcc, 0xdd]);
  });

  it('has the segment selectors of the current mode and the FS/GS bases', () => {
    const seg = s.segmentRegisters();
    expect(Object.keys(seg)).toEqual(['cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base']);
    const cpl = Number(seg.cs & 3n);
    // vmos's selectors (docs/guest.md): 0x08 kernel code, 0x23 user code, 0x1b user data.
    expect(seg.cs).toBe(cpl === 3 ? 0x23n : 0x08n);
    if (cpl === 3) expect(seg.ss).toBe(0x1bn);
  });
});
