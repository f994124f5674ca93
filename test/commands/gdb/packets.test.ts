import { describe, expect, it } from 'vitest';
import { bytesOf, escapeBinary } from '../../../src/commands/gdb/framing.ts';
import { parsePacket, parsePacketText as p } from '../../../src/commands/gdb/packets.ts';

describe('packet parser (Remote Protocol › Packets, General Query Packets)', () => {
  it('parses registers and memory packets', () => {
    expect(p('?')).toEqual({ type: 'status' });
    expect(p('g')).toEqual({ type: 'read-registers' });
    expect(p('G00ff')).toEqual({ type: 'write-registers', hex: '00ff' });
    expect(p('p10')).toEqual({ type: 'read-register', reg: 16 });
    expect(p('P10=efbeadde00000000')).toEqual({ type: 'write-register', reg: 16, hex: 'efbeadde00000000' });
    expect(p('m40100010,8')).toEqual({ type: 'read-memory', addr: 0x40100010n, len: 8 });
    expect(p('M40100010,2:abcd')).toEqual({ type: 'write-memory', addr: 0x40100010n, data: new Uint8Array([0xab, 0xcd]) });
    expect(p('X40100010,0:')).toEqual({ type: 'write-memory', addr: 0x40100010n, data: new Uint8Array() });
  });

  it('unescapes X binary data, and only that part', () => {
    const data = new Uint8Array([0x23, 0x24, 0x7d, 0x2a, 0x00, 0x3a]);
    const pkt = Buffer.concat([Buffer.from('X1000,6:'), Buffer.from(escapeBinary(data))]);
    expect(parsePacket(pkt)).toEqual({ type: 'write-memory', addr: 0x1000n, data });
  });

  it('parses resumes: c/s with an address, C/S with a signal, vCont with threads and ranges', () => {
    expect(p('c')).toEqual({ type: 'resume', action: { op: 'c' } });
    expect(p('s400004a0')).toEqual({ type: 'resume', action: { op: 's' }, addr: 0x400004a0n });
    expect(p('C02;1000')).toEqual({ type: 'resume', action: { op: 'c', signal: 2 }, addr: 0x1000n });
    expect(p('S05')).toEqual({ type: 'resume', action: { op: 's', signal: 5 } });
    expect(p('vCont?')).toEqual({ type: 'vcont-query' });
    expect(p('vCont;s:3;c')).toEqual({ type: 'vcont', actions: [{ action: { op: 's' }, thread: { kind: 'id', tid: 3 } }, { action: { op: 'c' } }] });
    expect(p('vCont;r400004a0,400004b0:3;c')).toEqual({
      type: 'vcont',
      actions: [{ action: { op: 'r', start: 0x400004a0n, end: 0x400004b0n }, thread: { kind: 'id', tid: 3 } }, { action: { op: 'c' } }],
    });
    expect(p('vCont;C0b:-1')).toEqual({ type: 'vcont', actions: [{ action: { op: 'c', signal: 11 }, thread: { kind: 'all' } }] });
  });

  it('parses Z/z, H, T and thread ids (-1 all, 0 any, pPID.TID)', () => {
    expect(p('Z0,400004a0,1')).toEqual({ type: 'insert-point', kind: 0, addr: 0x400004a0n, size: 1 });
    expect(p('z2,40100010,8')).toEqual({ type: 'remove-point', kind: 2, addr: 0x40100010n, size: 8 });
    expect(p('Z1,1000,1;X2,2001')).toEqual({ type: 'insert-point', kind: 1, addr: 0x1000n, size: 1 });
    expect(p('Z5,1000,1')).toEqual({ type: 'unsupported', raw: 'Z5,1000,1' });
    expect(p('Hg0')).toEqual({ type: 'set-thread', op: 'g', thread: { kind: 'any' } });
    expect(p('Hc-1')).toEqual({ type: 'set-thread', op: 'c', thread: { kind: 'all' } });
    expect(p('Hg1a')).toEqual({ type: 'set-thread', op: 'g', thread: { kind: 'id', tid: 26 } });
    expect(p('Hgp1.3')).toEqual({ type: 'set-thread', op: 'g', thread: { kind: 'id', tid: 3 } });
    expect(p('T3')).toEqual({ type: 'thread-alive', thread: { kind: 'id', tid: 3 } });
  });

  it('parses the queries gdb sends on connect', () => {
    expect(p('qSupported:multiprocess+;swbreak+;xmlRegisters=i386')).toEqual({ type: 'supported', features: ['multiprocess+', 'swbreak+', 'xmlRegisters=i386'] });
    expect(p('qSupported')).toEqual({ type: 'supported', features: [] });
    expect(p('qXfer:features:read:target.xml:0,ffb')).toEqual({ type: 'xfer-read', object: 'features', annex: 'target.xml', offset: 0, length: 0xffb });
    expect(p('qfThreadInfo')).toEqual({ type: 'thread-info-first' });
    expect(p('qsThreadInfo')).toEqual({ type: 'thread-info-next' });
    expect(p('qThreadExtraInfo,4')).toEqual({ type: 'thread-extra-info', thread: { kind: 'id', tid: 4 } });
    expect(p('qC')).toEqual({ type: 'current-thread' });
    expect(p('qCRC:1000,10')).toEqual({ type: 'unsupported', raw: 'qCRC:1000,10' });
    expect(p('qAttached:1')).toEqual({ type: 'attached' });
    expect(p('qOffsets')).toEqual({ type: 'offsets' });
    expect(p('qSymbol::')).toEqual({ type: 'symbol' });
    expect(p(`qRcmd,${Buffer.from('info processes').toString('hex')}`)).toEqual({ type: 'monitor', command: 'info processes' });
    expect(p('QStartNoAckMode')).toEqual({ type: 'no-ack-mode' });
    expect(p('qTStatus')).toEqual({ type: 'unsupported', raw: 'qTStatus' });
    expect(p('vMustReplyEmpty')).toEqual({ type: 'unsupported', raw: 'vMustReplyEmpty' });
  });

  it('parses the ends and reverse execution', () => {
    expect(p('D')).toEqual({ type: 'detach' });
    expect(p('D;1')).toEqual({ type: 'detach' });
    expect(p('k')).toEqual({ type: 'kill', packet: 'k' });
    expect(p('vKill;1')).toEqual({ type: 'kill', packet: 'vKill' });
    expect(p('bs')).toEqual({ type: 'reverse', op: 'bs' });
    expect(p('bc')).toEqual({ type: 'reverse', op: 'bc' });
  });

  it('calls what is broken malformed, naming why', () => {
    const bad = (t: string) => {
      const r = p(t);
      expect(r.type).toBe('malformed');
      return r.type === 'malformed' ? r.why : '';
    };
    expect(bad('m40100010')).toMatch(/ADDR,LENGTH/);
    expect(bad('mzz,4')).toMatch(/bad hex number 'zz'/);
    expect(bad('m0,100000')).toMatch(/too large/);
    expect(bad('M0,2:ab')).toMatch(/length 2 but 1 bytes/);
    expect(bad('X0,2:a')).toMatch(/length 2 but 1 bytes/);
    expect(bad('P10')).toMatch(/N=VALUE/);
    expect(bad('P10=abc')).toMatch(/bad hex data/);
    expect(bad('Z0,1000')).toMatch(/TYPE,ADDR,KIND/);
    expect(bad('vCont;q')).toMatch(/unknown vCont action/);
    expect(bad('vCont;r1000:3')).toMatch(/bad range/);
    expect(bad('qRcmd,6')).toMatch(/bad hex data/);
    expect(parsePacket(bytesOf('')).type).toBe('unsupported');
  });
});
