import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { serverOf } from '../../gdb/servers.ts';

type Args = { op: 'start'; address: string } | { op: 'status' } | { op: 'stop' };

const USAGE = 'gdbserver [HOST:]PORT | gdbserver | gdbserver stop';

/** The gdb server (docs/gdb.md), loaded when first used: batch scripts without it do not load node:net. */
const server = () => import('../../gdb/server.ts');

export const gdbserverCommand = defineCommand<Args>({
  name: 'gdbserver',
  aliases: [],
  summary: 'serve gdb\'s remote protocol on [HOST:]PORT (default host 127.0.0.1); alone: where; stop: stop serving',
  usage: USAGE,
  parse({ words }) {
    if (words.length === 0) return { op: 'status' };
    if (words.length === 1 && words[0] === 'stop') return { op: 'stop' };
    if (words.length === 1) return { op: 'start', address: words[0] };
    throw new CommandError('bad-args', `usage: ${USAGE}`);
  },
  complete: (k) => (k === 0 ? ['stop'] : []),
  async run(session, args) {
    const running = serverOf(session);
    switch (args.op) {
      case 'status':
        return {
          kind: 'text',
          lines: [running === undefined ? 'No gdb server (gdbserver [HOST:]PORT starts one).' : `gdb server on ${running.address}, ${running.connected ? 'gdb connected' : 'no gdb connected'}.`],
        };
      case 'stop':
        if (running === undefined) throw new CommandError('bad-args', 'no gdb server is running');
        await running.close();
        return { kind: 'text', lines: ['gdb server stopped.'] };
      case 'start': {
        const { GdbServer, parseListenAddress } = await server();
        const addr = parseListenAddress(args.address); // a CommandError (bad-args)
        if (running !== undefined) throw new CommandError('failed', `a gdb server is already listening on ${running.address}`);
        try {
          const s = await GdbServer.start(session, addr);
          return { kind: 'text', lines: [`gdb server listening on ${s.address} (in gdb: target remote ${s.address}).`] };
        } catch (e) {
          throw new CommandError('failed', `cannot listen on ${args.address}: ${(e as Error).message}`, undefined, { cause: e });
        }
      }
    }
  },
});
