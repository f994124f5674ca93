/**
 * The wire format of the gdb remote serial protocol (gdb manual, Remote
 * Protocol › Overview, Packet Acknowledgment, Interrupts):
 *
 * - a packet is `$` packet-data `#` checksum, the checksum being the sum of
 *   the data bytes modulo 256 as two lower-case hex digits;
 * - in data, `#`, `$`, `}` and `*` are escaped as `}` followed by the byte
 *   XOR 0x20 (`*` because gdb decodes run-length encoding in replies: we
 *   never use it, so a literal `*` must be escaped);
 * - each packet is acknowledged with `+` (or `-`: send it again) until
 *   QStartNoAckMode;
 * - a lone 0x03 byte outside a packet is an interrupt (Ctrl-C in gdb).
 *
 * Bytes are latin1 throughout: one JS char per byte.
 */

/** Sum of the bytes modulo 256. */
export function checksum(data: Uint8Array): number {
  let sum = 0;
  for (const b of data) sum = (sum + b) & 0xff;
  return sum;
}

const ESCAPED = new Set([0x23, 0x24, 0x7d, 0x2a]); // # $ } *

/** Escapes the bytes that may not appear raw in packet data. */
export function escapeBinary(data: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of data) if (ESCAPED.has(b)) extra++;
  if (extra === 0) return data;
  const out = new Uint8Array(data.length + extra);
  let k = 0;
  for (const b of data) {
    if (ESCAPED.has(b)) {
      out[k++] = 0x7d;
      out[k++] = b ^ 0x20;
    } else out[k++] = b;
  }
  return out;
}

/** Undoes escapeBinary (the X packet's data, Packets › X); throws on a trailing lone `}`. */
export function unescapeBinary(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x7d) {
      if (++i >= data.length) throw new Error('escape character at the end of binary data');
      out[k++] = data[i] ^ 0x20;
    } else out[k++] = data[i];
  }
  return out.subarray(0, k);
}

/** Bytes of a latin1 string. */
export function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

/** `$data#cs` with data escaped; `payload` is latin1 text or bytes. */
export function frame(payload: string | Uint8Array): Buffer {
  const data = escapeBinary(typeof payload === 'string' ? bytesOf(payload) : payload);
  const cs = checksum(data).toString(16).padStart(2, '0');
  return Buffer.concat([Buffer.from('$'), Buffer.from(data), Buffer.from(`#${cs}`)]);
}

export type WireEvent =
  /** A packet whose checksum matched: its data, still escaped (only binary parts are unescaped, by their parsers). */
  | { kind: 'packet'; data: Buffer }
  /** A packet whose checksum did not match (answer `-`). */
  | { kind: 'corrupt'; data: Buffer }
  | { kind: 'ack' }
  | { kind: 'nack' }
  | { kind: 'interrupt' };

const MAX_PACKET = 1 << 20;

/**
 * Splits the byte stream from gdb into events. Bytes between packets other
 * than `+`, `-` and 0x03 are ignored (the manual's receivers resynchronise
 * on `$`); a packet longer than 1 MiB is dropped as corrupt.
 */
export class PacketDecoder {
  private buf: number[] = [];
  /** 'idle' between packets, 'data' inside one, 'cs1'/'cs2' reading the checksum digits. */
  private state: 'idle' | 'data' | 'cs1' | 'cs2' = 'idle';
  private cs = '';

  push(chunk: Uint8Array): WireEvent[] {
    const out: WireEvent[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case 'idle':
          if (b === 0x24) {
            this.state = 'data';
            this.buf = [];
          } else if (b === 0x2b) out.push({ kind: 'ack' });
          else if (b === 0x2d) out.push({ kind: 'nack' });
          else if (b === 0x03) out.push({ kind: 'interrupt' });
          break;
        case 'data':
          if (b === 0x23) this.state = 'cs1';
          else if (b === 0x24) this.buf = []; // a new packet start: the previous one was cut off
          else if (this.buf.length < MAX_PACKET) this.buf.push(b);
          else {
            out.push({ kind: 'corrupt', data: Buffer.from(this.buf) });
            this.state = 'idle';
          }
          break;
        case 'cs1':
          this.cs = String.fromCharCode(b);
          this.state = 'cs2';
          break;
        case 'cs2': {
          this.cs += String.fromCharCode(b);
          const data = Buffer.from(this.buf);
          const ok = /^[0-9a-fA-F]{2}$/.test(this.cs) && parseInt(this.cs, 16) === checksum(data);
          out.push({ kind: ok ? 'packet' : 'corrupt', data });
          this.state = 'idle';
          this.buf = [];
          break;
        }
      }
    }
    return out;
  }
}
