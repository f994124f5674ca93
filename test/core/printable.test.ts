import { describe, expect, it } from 'vitest';
import { MAX_SHOWN, printable, quoted } from '../../src/core/printable.ts';

describe('printable: outside text inside a message', () => {
  it('leaves ordinary text (and non-ASCII letters) alone', () => {
    expect(quoted('counter_main+8')).toBe("'counter_main+8'");
    expect(printable('R16–R31 ü')).toBe('R16–R31 ü');
  });
  it('escapes controls, DEL, C1, line separators and bidi overrides', () => {
    expect(printable('a\nb\tc\rd\x00\x1b[2J\x7f\x9b\u2028\u202e\u2066')).toBe('a\\nb\\tc\\rd\\x00\\x1b[2J\\x7f\\x9b\\u2028\\u202e\\u2066');
  });
  it('cuts after MAX_SHOWN characters, escapes counted whole', () => {
    expect(printable('y'.repeat(MAX_SHOWN))).toBe('y'.repeat(MAX_SHOWN));
    expect(printable('y'.repeat(1_000_000))).toBe(`${'y'.repeat(MAX_SHOWN)}…`);
    expect(printable(`${'y'.repeat(MAX_SHOWN - 2)}\x1b`)).toBe(`${'y'.repeat(MAX_SHOWN - 2)}…`);
  });
});
