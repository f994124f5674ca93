/**
 * One gdb's view of the session: every packet (packets.ts) turned into its
 * reply (gdb manual, Remote Protocol › Packets, General Query Packets, Stop
 * Reply Packets). The connection (connection.ts) does the wire; this does
 * the meaning. Replies:
 *
 * - the empty reply for what is not supported (Z3, bs/bc, unknown packets);
 * - `E14` (EFAULT) for memory that does not translate (m: gdb 13 only
 *   understands `E NN` there), `E.text` for every other refusal (gdb prints
 *   the text for p, g and resumes: "Remote failure reply: E.…");
 * - anything touching the vCPU while someone else (the TUI) runs the guest
 *   is refused with E rather than waiting.
 *
 * The general thread (Hg) decides whose registers g/p read and through
 * whose CR3 m/M/X go; after every stop it is the stop's thread again, as
 * gdb assumes (it records the stop's thread as the general thread).
 */
import type { SessionApi, Stop } from '../session/types.ts';
import { emitGdbActivity } from './activity.ts';
import { parse } from '../lang/registry.ts';
import { textToHex, toHex } from './hex.ts';
import { runMonitor } from './monitor.ts';
import type { Packet, ThreadId, VContAction } from './packets.ts';
import { PointTable } from './points.ts';
import { encodeRegister, encodeRegisters, readOnlyReason, REGISTERS, vcpuRegisters, writeRegister, writeRegisters, type ThreadRegisters } from './registers.ts';
import { Resumer, type Resume } from './resume.ts';
import { offersReverse, REVERSE_FEATURES, runReverse, withReplayBegin } from './reverse.ts';
import { stopReply, type StopReplyText } from './stop-reply.ts';
import { readFeatures } from './target-xml.ts';
import { describeThread, ThreadMap, type GdbThread } from './threads.ts';

/** PacketSize we announce (qSupported): bytes of packet data gdb may send; m replies stay below it. */
export const PACKET_SIZE = 0x4000;

/** What the connection does with a handled packet. */
export interface Outcome {
  /** The reply; null: none (k). */
  reply: string | null;
  /** End the connection after the reply. */
  end?: 'detach' | 'kill';
  /** Stop acknowledging after this reply (QStartNoAckMode). */
  noAck?: boolean;
}

/** A refusal with its reply text. */
class Refusal extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

/** `E.text` (Standard Replies): one line, and no bytes the framing would have to escape for gdb's sake. */
export function errorReply(e: unknown): string {
  if (e instanceof Refusal) return e.reply;
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return `E.${text}`;
}

/** Commands of the language that run the guest (a monitor command gdb should see as running). */
const EXECUTION = new Set(['stepi', 'nexti', 'finish', 'continue', 'until', 'run-for']);

export class GdbTarget {
  readonly points: PointTable;
  private readonly resumer: Resumer;
  private readonly gdbFeatures = new Set<string>();
  private general: ThreadId = { kind: 'any' };

  /**
   * @param send sends a packet at once (O packets during a resume or a monitor command).
   * @param threads the thread numbering, shared by the server's connections.
   */
  constructor(
    private readonly session: SessionApi,
    private readonly send: (payload: string) => void,
    readonly threads: ThreadMap = new ThreadMap(session),
    /** Refusals gdb does not print (Z: gdb says only "Cannot insert breakpoint"), for vdbg's own log. */
    private readonly log?: (line: string) => void,
  ) {
    this.points = new PointTable(session);
    this.resumer = new Resumer(session);
  }

  /** gdb's interrupt (0x03). */
  interrupt(): void {
    this.resumer.interrupt();
  }

  /** Leaves the session as gdb found it: gdb's breakpoints out (detach, kill, disconnect). */
  release(): void {
    if (this.session.state !== 'running') this.points.removeAll();
  }

  async handle(p: Packet): Promise<Outcome> {
    try {
      return await this.dispatch(p);
    } catch (e) {
      return { reply: errorReply(e) };
    }
  }

  private async dispatch(p: Packet): Promise<Outcome> {
    const s = this.session;
    const reply = (text: string): Outcome => ({ reply: text });
    switch (p.type) {
      case 'supported':
        for (const f of p.features) this.gdbFeatures.add(f);
        return reply(
          `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+${offersReverse(s) ? `;${REVERSE_FEATURES}` : ''}`,
        );
      case 'no-ack-mode':
        return { reply: 'OK', noAck: true };
      case 'status':
        this.general = { kind: 'any' };
        return reply(this.stopText(s.lastStop).reply);
      case 'attached':
        return reply('1'); // attached to an existing "process": on quit gdb detaches rather than kills
      case 'offsets':
        return reply('Text=0;Data=0;Bss=0');
      case 'symbol':
        return reply('OK');
      case 'xfer-read':
        if (p.object !== 'features') return reply('');
        return reply(readFeatures(p.annex, p.offset, p.length) ?? 'E00');
      case 'set-thread':
        if (p.op === 'g') {
          this.idle();
          this.thread(p.thread);
          this.general = p.thread;
        }
        return reply('OK');
      case 'thread-alive':
        this.idle();
        return reply(p.thread.kind === 'id' && this.threads.byTid(p.thread.tid) === undefined ? 'E.no such thread' : 'OK');
      case 'thread-info-first':
        this.idle();
        return reply(`m${this.threads.list().map((t) => t.tid.toString(16)).join(',')}`);
      case 'thread-info-next':
        return reply('l');
      case 'thread-extra-info':
        this.idle();
        return reply(textToHex(describeThread(this.thread(p.thread))));
      case 'current-thread':
        this.idle();
        return reply(`QC${this.threads.current().tid.toString(16)}`);
      case 'read-registers':
        this.idle();
        return reply(encodeRegisters(this.registersOf(this.thread(this.general))));
      case 'read-register':
        this.idle();
        if (p.reg >= REGISTERS.length) throw new Refusal(`E.no register number ${p.reg}`);
        return reply(encodeRegister(p.reg, this.registersOf(this.thread(this.general))));
      case 'write-registers':
        this.onVcpu();
        writeRegisters(s, p.hex);
        return this.changed('OK');
      case 'write-register':
        this.onVcpu();
        if (p.reg < REGISTERS.length && readOnlyReason(p.reg) !== null) throw new Refusal(`E.${readOnlyReason(p.reg)}`);
        writeRegister(s, p.reg, p.hex);
        return this.changed('OK');
      case 'read-memory':
        this.idle();
        return reply(toHex(this.readMemory(p.addr, p.len)));
      case 'write-memory':
        this.idle();
        if (p.data.length > 0) s.writeVirtual(p.addr, p.data, this.cr3(this.thread(this.general)));
        return this.changed('OK');
      case 'insert-point':
      case 'remove-point': {
        this.idle();
        let done: boolean;
        try {
          done = p.type === 'insert-point' ? this.points.insert(p.kind, p.addr, p.size) : this.points.remove(p.kind, p.addr, p.size);
        } catch (e) {
          this.log?.(`refused ${p.type === 'insert-point' ? 'Z' : 'z'}${p.kind} at 0x${p.addr.toString(16)}: ${(e as Error).message}`);
          throw e;
        }
        return done ? this.changed('OK') : reply('');
      }
      case 'resume':
        if (p.action.op === 't' || p.action.op === 'r') return reply('');
        if (p.addr !== undefined) {
          this.idle();
          s.setRegister('rip', p.addr);
        }
        return this.resume(p.action.op === 'c' ? { kind: 'continue' } : { kind: 'step' });
      case 'vcont-query':
        return reply('vCont;c;C;s;S;r');
      case 'vcont':
        return this.resume(this.vcontResume(p.actions));
      case 'monitor':
        return this.monitor(p.command);
      case 'detach':
        this.release();
        return { reply: 'OK', end: 'detach' };
      case 'kill':
        this.release();
        return { reply: p.packet === 'vKill' ? 'OK' : null, end: 'kill' };
      case 'reverse':
        if (!offersReverse(s)) return reply('');
        return this.resume({ kind: 'reverse', op: p.op });
      case 'unsupported':
        return reply('');
      case 'malformed':
        return reply(`E.malformed packet: ${p.why}`);
    }
  }

  // ---------------------------------------------------------------- threads, registers, memory
  /** Refuses while someone else runs the guest (the vCPU cannot be read then). */
  private idle(): void {
    if (this.session.state === 'running') throw new Refusal('E.the guest is running (started outside gdb); interrupt it first');
  }

  /** Register writes go to the vCPU: only the thread on it has registers. */
  private onVcpu(): void {
    this.idle();
    if (!this.thread(this.general).current) throw new Refusal('E.this thread is not on the vCPU: only the current thread\'s registers can be written');
  }

  private thread(id: ThreadId): GdbThread {
    if (id.kind !== 'id') return this.threads.current();
    const t = this.threads.byTid(id.tid);
    if (t === undefined) throw new Refusal(`E.no thread ${id.tid.toString(16)}`);
    return t;
  }

  private registersOf(t: GdbThread): ThreadRegisters {
    return t.current ? vcpuRegisters(this.session) : this.threads.parkedRegisters(t);
  }

  /** The CR3 memory of thread `t` is read through: undefined (the current one) for the thread on the vCPU. */
  private cr3(t: GdbThread): bigint | undefined {
    return t.current ? undefined : t.cr3;
  }

  /** m: as many bytes as translate from `addr` on (Packets › m: a reply may be shorter); E14 when not even the first does. */
  private readMemory(addr: bigint, len: number): Uint8Array {
    const cr3 = this.cr3(this.thread(this.general));
    const parts: Uint8Array[] = [];
    let done = 0;
    while (done < len) {
      const a = BigInt.asUintN(64, addr + BigInt(done));
      const n = Math.min(len - done, 4096 - Number(a & 0xfffn));
      try {
        parts.push(this.session.readVirtual(a, n, cr3));
      } catch {
        if (done === 0) throw new Refusal('E14');
        break;
      }
      done += n;
    }
    return Buffer.concat(parts);
  }

  // ---------------------------------------------------------------- execution
  private vcontResume(actions: readonly VContAction[]): Resume {
    const range = actions.find((a) => a.action.op === 'r');
    if (range !== undefined && range.action.op === 'r') return { kind: 'range', start: range.action.start, end: range.action.end };
    if (actions.some((a) => a.action.op === 's')) return { kind: 'step' };
    if (actions.some((a) => a.action.op === 'c')) return { kind: 'continue' };
    throw new Refusal('E.vCont;t needs non-stop mode, which vdbg does not offer');
  }

  private async resume(r: Resume | { kind: 'reverse'; op: 'bs' | 'bc' }): Promise<Outcome> {
    emitGdbActivity(this.session, { kind: 'running' });
    let stop: Stop;
    let begin = false;
    try {
      if (r.kind === 'reverse') {
        this.idle();
        ({ stop, begin } = await runReverse(this.session, r.op));
      } else stop = await this.resumer.run(r);
    } catch (e) {
      emitGdbActivity(this.session, { kind: 'stopped', stop: null });
      return { reply: errorReply(e) };
    }
    this.general = { kind: 'any' };
    emitGdbActivity(this.session, { kind: 'stopped', stop });
    const text = this.stopText(stop);
    if (text.console !== undefined) this.send(`O${textToHex(text.console)}`);
    return { reply: begin ? withReplayBegin(text.reply) : text.reply };
  }

  /** The stop reply for `stop` (null: the session has not run yet: a plain trap at the current thread). */
  private stopText(stop: Stop | null): StopReplyText {
    const s = this.session;
    const ctx = { swbreak: this.gdbFeatures.has('swbreak+'), hwbreak: this.gdbFeatures.has('hwbreak+') };
    if (stop === null) return stopReply({ reason: 'step', cr3: s.registers().cr3, rip: s.registers().rip, skipped: 0 }, { ...ctx, tid: this.threads.current().tid });
    const bp = stop.bp === undefined ? undefined : s.breakpoints().find((b) => b.number === stop.bp);
    return stopReply(stop, {
      ...ctx,
      tid: this.threads.tidOfCr3(stop.cr3),
      point: bp === undefined ? null : this.points.explain(bp, stop.rip),
      regs: vcpuRegisters(s),
    });
  }

  // ---------------------------------------------------------------- monitor
  private async monitor(line: string): Promise<Outcome> {
    const p = parse(line);
    const runs = p.kind === 'invocation' && EXECUTION.has(p.name);
    if (runs) emitGdbActivity(this.session, { kind: 'running' });
    const r = await runMonitor(this.session, line);
    emitGdbActivity(this.session, runs ? { kind: 'stopped', stop: r.ok ? this.session.lastStop : null } : { kind: 'changed' });
    // O packets of at most half the packet size (hex doubles the text).
    const hex = textToHex(r.text);
    const chunk = PACKET_SIZE - 2;
    for (let i = 0; i < hex.length; i += chunk) this.send(`O${hex.slice(i, i + chunk)}`);
    return { reply: 'OK' };
  }

  private changed(reply: string): Outcome {
    emitGdbActivity(this.session, { kind: 'changed' });
    return { reply };
  }
}

