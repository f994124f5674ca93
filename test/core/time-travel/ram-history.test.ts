/**
 * RamHistory (src/core/emu/ram-history.ts): per-page versions restore any
 * generation exactly, in any order, including after a generation is dropped
 * (its pages move to the next one kept) and after one is placed between two
 * others.
 */
import { describe, expect, it } from 'vitest';
import { RamHistory } from '../../../src/core/emu/ram-history.ts';

const PAGES = 8;

function setup() {
  const ram = new Uint8Array(PAGES * 4096);
  const dirty = new Uint8Array(PAGES);
  const h = new RamHistory(ram, dirty);
  /** A guest store: the byte, and the page marked as the MMU marks it. */
  const write = (pa: number, v: number) => {
    ram[pa] = v;
    dirty[pa >>> 12] = 1;
  };
  return { ram, dirty, h, write };
}

describe('RamHistory', () => {
  it('restores every generation exactly, back and forth', () => {
    const { ram, h, write } = setup();
    const states: Uint8Array[] = [ram.slice()];
    for (let g = 1; g <= 5; g++) {
      write(g * 4096 + g, g);
      write(0x10, g);
      h.commit(g);
      states.push(ram.slice());
    }
    write(3 * 4096, 0xee); // uncommitted: dirty since generation 5
    for (const g of [2, 5, 0, 4, 1, 3]) {
      h.restore(g);
      expect(Buffer.compare(ram, states[g]), `generation ${g}`).toBe(0);
    }
  });

  it('dropping a generation keeps the later ones right, even when the current RAM derives from it', () => {
    const { ram, h, write } = setup();
    const states: Uint8Array[] = [ram.slice()];
    for (let g = 1; g <= 4; g++) {
      write(2 * 4096 + g, g); // page 2 written in every generation
      if (g === 2) write(5 * 4096, 0x55); // page 5 only in generation 2
      h.commit(g);
      states.push(ram.slice());
    }
    h.restore(2);
    h.drop(2, 3);
    h.restore(1);
    expect(Buffer.compare(ram, states[1])).toBe(0);
    h.restore(3);
    expect(Buffer.compare(ram, states[3])).toBe(0);
    h.restore(4);
    h.drop(3, 4);
    h.restore(1);
    expect(Buffer.compare(ram, states[1])).toBe(0);
    h.restore(4);
    expect(Buffer.compare(ram, states[4])).toBe(0);
  });

  it('a generation placed between two others (a replay) restores exactly, and so do its neighbours', () => {
    const { ram, h, write } = setup();
    h.commit(1);
    const s1 = ram.slice();
    write(1 * 4096, 1);
    const mid = ram.slice();
    write(4 * 4096, 4);
    h.commit(2);
    const s2 = ram.slice();
    h.restore(1);
    write(1 * 4096, 1); // the replay writes what the recording wrote
    h.commit(1.5);
    h.restore(2);
    expect(Buffer.compare(ram, s2)).toBe(0);
    h.restore(1.5);
    expect(Buffer.compare(ram, mid)).toBe(0);
    h.restore(1);
    expect(Buffer.compare(ram, s1)).toBe(0);
  });

  it('host writes are seen only when marked', () => {
    const { ram, h } = setup();
    h.commit(1);
    ram[7 * 4096] = 9;
    h.markWritten(7 * 4096, 1);
    h.commit(2);
    h.restore(1);
    expect(ram[7 * 4096]).toBe(0);
    h.restore(2);
    expect(ram[7 * 4096]).toBe(9);
  });
});
