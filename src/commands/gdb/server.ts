/**
 * The TCP side of the gdb server: `vdbg --gdb [HOST:]PORT` and the
 * `gdbserver` command listen here (default host 127.0.0.1; port 0 picks a
 * free one). One gdb at a time — a second connection is closed at once, as
 * gdbserver does — and the session's processes keep their thread ids from
 * one gdb to the next (one ThreadMap per server).
 *
 * A session has at most one server (serverOf); batch mode waits for the
 * gdb it serves to detach or kill (`nextEnd`), the TUI keeps serving until
 * it quits.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CommandError } from '../errors.ts';
import type { SessionApi } from '../session/types.ts';
import { GdbConnection, type EndReason } from './connection.ts';
import { serverOf, setServerOf } from './servers.ts';
import { ThreadMap } from './threads.ts';

export interface GdbServerOptions {
  host?: string;
  port: number;
  /** One line per event (listening, connected, detached…); default none. */
  log?: (line: string) => void;
  /** Every packet in and out (debugging). */
  trace?: (line: string) => void;
}


/** `[HOST:]PORT` (an IPv6 host in brackets: `[::1]:1234`). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text.trim());
  if (m === null) throw new CommandError('bad-args', `bad address '${text}': [HOST:]PORT, e.g. 1234 or 127.0.0.1:1234`);
  const port = Number(m[2]);
  if (port > 65535) throw new CommandError('bad-args', `bad port ${m[2]}: 0–65535`);
  const host = m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

export class GdbServer {
  private connection: GdbConnection | null = null;
  private readonly threads: ThreadMap;
  private waiters: ((r: EndReason) => void)[] = [];
  private closed = false;

  private constructor(
    private readonly session: SessionApi,
    private readonly server: Server,
    private readonly opts: GdbServerOptions,
  ) {
    this.threads = new ThreadMap(session);
    server.on('connection', (sock) => this.accept(sock));
  }

  /** Starts listening; throws (EADDRINUSE, a second server on the session…) without side effects. */
  static async start(session: SessionApi, opts: GdbServerOptions): Promise<GdbServer> {
    const running = serverOf(session);
    if (running !== undefined) throw new CommandError('failed', `a gdb server is already listening on ${running.address}`);
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const s = new GdbServer(session, server, opts);
    setServerOf(session, s);
    opts.log?.(`gdb server listening on ${s.address} (in gdb: target remote ${s.address})`);
    return s;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** HOST:PORT as gdb's `target remote` takes it. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get connected(): boolean {
    return this.connection !== null;
  }

  /** How the next gdb session ends: the one connected now, else the next to connect. */
  nextEnd(): Promise<EndReason> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops listening and disconnects gdb (a run it started is interrupted). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    setServerOf(this.session, undefined);
    // server.close() waits for open connections: end gdb's first.
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.connection?.close();
    await closing;
  }

  private accept(sock: Socket): void {
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    if (this.connection !== null || this.closed) {
      this.opts.log?.(`refused a second gdb from ${peer}: one is connected already`);
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    const c = new GdbConnection(sock, this.session, { threads: this.threads, trace: this.opts.trace, log: this.opts.log });
    this.connection = c;
    this.opts.log?.(`gdb connected from ${peer}`);
    void c.ended.then((reason) => {
      this.connection = null;
      this.opts.log?.(`gdb ${reason === 'detach' ? 'detached' : reason === 'kill' ? 'killed the session (vdbg: the guest is left as it is)' : 'disconnected'}`);
      const w = this.waiters;
      this.waiters = [];
      for (const fn of w) fn(reason);
    });
  }
}
