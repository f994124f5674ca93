import { describe, expect, it } from 'vitest';
import { bytesOf, checksum, escapeBinary, frame, PacketDecoder, unescapeBinary } from '../../../src/commands/gdb/framing.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('framing (Remote Protocol › Overview)', () => {
  it('checksums are the byte sum modulo 256', () => {
    expect(checksum(bytesOf(''))).toBe(0);
    expect(checksum(bytesOf('OK'))).toBe(0x9a); // 0x4f + 0x4b
    expect(checksum(bytesOf('qSupported'))).toBe(0x37);
    expect(checksum(new Uint8Array([0xff, 0x02]))).toBe(0x01);
  });

  it('frames $data#cs with two lower-case hex digits', () => {
    expect(frame('').toString('latin1')).toBe('$#00');
    expect(frame('OK').toString('latin1')).toBe('$OK#9a');
    expect(frame('T05thread:3;').toString('latin1')).toBe(`$T05thread:3;#${checksum(bytesOf('T05thread:3;')).toString(16).padStart(2, '0')}`);
  });

  it('escapes # $ } and * (no run-length encoding ever reaches gdb), checksumming the escaped bytes', () => {
    expect(text(escapeBinary(bytesOf('a#b$c}d*e')))).toBe('a}\x03b}\x04c}]d}\x0ae');
    const f = frame(bytesOf('*'));
    expect(f.toString('latin1')).toBe(`$}\x0a#${checksum(bytesOf('}\x0a')).toString(16).padStart(2, '0')}`);
    // Every byte value framed alone: the data between $ and # never holds a raw delimiter or '*'.
    for (let b = 0; b < 256; b++) {
      const data = frame(new Uint8Array([b, b])).subarray(1, -3);
      expect([...data].some((x) => x === 0x23 || x === 0x24 || x === 0x2a)).toBe(false);
      expect([...unescapeBinary(data)]).toEqual([b, b]);
    }
  });

  it('refuses binary data ending in a lone escape', () => {
    expect(() => unescapeBinary(bytesOf('ab}'))).toThrow(/escape character at the end/);
  });

  it('decodes packets split across chunks, with acks, nacks and interrupts between them', () => {
    const d = new PacketDecoder();
    const wire = Buffer.concat([Buffer.from('+'), frame('qSupported:swbreak+'), Buffer.from('-\x03'), frame('m1000,4')]);
    const events = [...wire].flatMap((b) => d.push(new Uint8Array([b])));
    expect(events.map((e) => (e.kind === 'packet' ? `packet ${e.data.toString('latin1')}` : e.kind))).toEqual([
      'ack', 'packet qSupported:swbreak+', 'nack', 'interrupt', 'packet m1000,4',
    ]);
  });

  it('reports a wrong checksum as corrupt and resynchronises on the next $', () => {
    const d = new PacketDecoder();
    const events = d.push(Buffer.from('$OK#00garbage$g#67'));
    expect(events).toEqual([
      { kind: 'corrupt', data: Buffer.from('OK') },
      { kind: 'packet', data: Buffer.from('g') },
    ]);
    // A packet cut off by a new '$' is dropped; the new one counts.
    expect(d.push(Buffer.from('$m10$g#67'))).toEqual([{ kind: 'packet', data: Buffer.from('g') }]);
    // Non-hex checksum digits are corrupt too.
    expect(d.push(Buffer.from('$g#zz'))[0].kind).toBe('corrupt');
  });
});
