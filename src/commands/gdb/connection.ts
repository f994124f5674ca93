/**
 * One gdb on one byte stream (a TCP socket, or any Duplex in tests): the
 * wire loop of the remote protocol (gdb manual, Remote Protocol › Overview,
 * Packet Acknowledgment, Interrupts).
 *
 * - Packets are handled one at a time, in order (GdbTarget); the reply to a
 *   resume is sent when the guest stops. Meanwhile gdb (all-stop) sends
 *   nothing but acks and interrupts.
 * - Each good packet is acknowledged with `+`, a corrupt one with `-`; a `-`
 *   from gdb re-sends our last packet. QStartNoAckMode turns acks off after
 *   its OK.
 * - 0x03 interrupts the run in progress.
 * - The connection ends with D (after its OK), k / vKill, or the stream
 *   closing; a run in progress is then interrupted, and gdb's breakpoints
 *   are removed from the session.
 */
import type { Duplex } from 'node:stream';
import type { SessionApi } from '../session/types.ts';
import { frame, PacketDecoder, type WireEvent } from './framing.ts';
import { parsePacket } from './packets.ts';
import { GdbTarget } from './target.ts';
import type { ThreadMap } from './threads.ts';

export type EndReason = 'detach' | 'kill' | 'disconnect';

export interface ConnectionOptions {
  threads?: ThreadMap;
  /** Refusals gdb does not show (see GdbTarget). */
  log?: (line: string) => void;
  /** Each packet in and out, for debugging (`vdbg --gdb … ` with VDBG_GDB_TRACE=1). */
  trace?: (line: string) => void;
}

export class GdbConnection {
  /** How the connection ended; resolves once the session is left as gdb found it. */
  readonly ended: Promise<EndReason>;
  private readonly target: GdbTarget;
  private readonly decoder = new PacketDecoder();
  private readonly queue: Buffer[] = [];
  private ack = true;
  private lastSent: Buffer | null = null;
  private pumping = false;
  private done = false;
  private resolveEnded!: (r: EndReason) => void;

  constructor(
    private readonly stream: Duplex,
    session: SessionApi,
    private readonly opts: ConnectionOptions = {},
  ) {
    this.target = new GdbTarget(session, (p) => this.send(p), opts.threads, opts.log);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('close', () => void this.finish('disconnect'));
    stream.on('error', () => void this.finish('disconnect'));
  }

  /** Ends the connection from our side (the server closing): the run in progress is interrupted. */
  close(): Promise<EndReason> {
    this.stream.destroy();
    void this.finish('disconnect');
    return this.ended;
  }

  private receive(chunk: Buffer): void {
    for (const ev of this.decoder.push(chunk)) this.event(ev);
  }

  private event(ev: WireEvent): void {
    switch (ev.kind) {
      case 'packet':
        if (this.ack) this.stream.write('+');
        this.opts.trace?.(`<- ${ev.data.toString('latin1').replace(/\n/g, '\\n')}`);
        this.queue.push(ev.data);
        void this.pump();
        return;
      case 'corrupt':
        if (this.ack) this.stream.write('-');
        return;
      case 'nack':
        if (this.lastSent !== null && this.ack) this.stream.write(this.lastSent);
        return;
      case 'interrupt':
        this.opts.trace?.('<- ^C');
        this.target.interrupt();
        return;
      case 'ack':
        return;
    }
  }

  private send(payload: string): void {
    if (this.done) return;
    this.opts.trace?.(`-> ${(payload.length > 200 ? `${payload.slice(0, 200)}…` : payload).replace(/\n/g, '\\n')}`);
    const f = frame(payload);
    this.lastSent = f;
    this.stream.write(f);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.done) {
        const out = await this.target.handle(parsePacket(this.queue.shift()!));
        if (out.reply !== null) this.send(out.reply);
        if (out.noAck) this.ack = false;
        if (out.end !== undefined) {
          this.stream.end();
          await this.finish(out.end);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async finish(reason: EndReason): Promise<void> {
    if (this.done) return;
    this.done = true;
    // A resume still running (gdb went away mid-continue): stop it, let its handler finish, then take gdb's breakpoints out.
    this.target.interrupt();
    while (this.pumping && reason === 'disconnect') await new Promise((r) => setTimeout(r, 5));
    this.target.release();
    this.resolveEnded(reason);
  }
}
