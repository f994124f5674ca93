/**
 * A minimal gdb-side client for packet exchanges in tests: frames packets,
 * acknowledges replies (until no-ack mode), and waits — bounded — for the
 * next packet from the server.
 */
import { connect, type Socket } from 'node:net';
import { frame, PacketDecoder, unescapeBinary, type WireEvent } from '../../../src/commands/gdb/framing.ts';

export class RawClient {
  /** Packets from the server not read yet, and the acks / nacks it sent. */
  private readonly packets: string[] = [];
  readonly acks: ('+' | '-')[] = [];
  private readonly decoder = new PacketDecoder();
  private wake: (() => void) | null = null;
  ack = true;
  closed = false;

  private constructor(readonly sock: Socket) {
    sock.on('data', (b: Buffer) => {
      for (const ev of this.decoder.push(b)) this.event(ev);
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private event(ev: WireEvent): void {
    if (ev.kind === 'packet') {
      this.packets.push(Buffer.from(unescapeBinary(ev.data)).toString('latin1')); // as gdb reads replies (escapes undone)
      if (this.ack) this.sock.write('+');
    } else if (ev.kind === 'ack') this.acks.push('+');
    else if (ev.kind === 'nack') this.acks.push('-');
  }

  /** Sends a packet; frame() escapes what must be ('#', '$', '}', '*'). */
  send(payload: string | Uint8Array): void {
    this.sock.write(frame(payload));
  }

  /** The next packet from the server (O packets included); rejects after `ms`. */
  async next(ms = 20_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.packets.length === 0) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.packets.shift()!;
  }

  /** Sends `payload`, returns the reply; O packets before it are collected in `output` (decoded). */
  async request(payload: string | Uint8Array, ms?: number): Promise<string> {
    this.send(payload);
    this.output = '';
    for (;;) {
      const p = await this.next(ms);
      if (p.startsWith('O') && p !== 'OK' && /^O([0-9a-f]{2})+$/.test(p)) this.output += Buffer.from(p.slice(1), 'hex').toString('utf8');
      else return p;
    }
  }

  output = '';

  /** Whether the server closed the connection within `ms`. */
  async waitClosed(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.sock.destroy();
  }
}

/** A little-endian 64-bit value from 16 hex digits (a register in a g/p reply). */
export function le64(hex: string): bigint {
  return BigInt(`0x${Buffer.from(hex, 'hex').reverse().toString('hex') || '0'}`);
}
