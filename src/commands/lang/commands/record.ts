/**
 * Recording for time travel (commands.md "Time travel"): `record`,
 * `record stop`, `info record`, `set record memory`. The session's
 * TimeTravelApi (session/timeline.ts) does the work; emu only.
 */
import type { SessionApi } from '../../session/types.ts';
import type { RecordInfo, TimeTravelApi } from '../../session/timeline.ts';
import { CommandError } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import { callSync } from '../helpers.ts';
import { noArgs } from '../parse.ts';

/** The session's time travel, or the error saying this session has none. */
export function travelOf(session: SessionApi): TimeTravelApi {
  if (session.travel === undefined) throw new CommandError('failed', 'this session has no time travel');
  return session.travel;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function recordLines(i: RecordInfo): string[] {
  return [
    `Recording from icount ${i.start} to ${i.end}; now at ${i.icount}${i.replaying ? ' (replaying the recorded future)' : ''}.`,
    `${i.snapshots} snapshot(s), every ${i.interval} instructions or more; ${mib(i.memoryBytes)} of ${mib(i.memoryCap)}${i.thinned > 0 ? `; ${i.thinned} dropped to stay under it` : ''}.`,
  ];
}

export const recordCommand = defineCommand<void>({
  name: 'record',
  aliases: ['rec'],
  summary: 'start recording for time travel (emu): reverse-stepi, reverse-continue, goto reach back to here',
  usage: 'record',
  parse: (input) => noArgs(input, 'record'),
  run(session) {
    const info = callSync(() => travelOf(session).record());
    return { kind: 'text', lines: recordLines(info) };
  },
});

export const recordStopCommand = defineCommand<void>({
  name: 'record stop',
  aliases: [],
  summary: 'stop recording and free its snapshots',
  usage: 'record stop',
  parse: (input) => noArgs(input, 'record stop'),
  run(session) {
    callSync(() => travelOf(session).stop());
    return { kind: 'text', lines: ['Recording stopped; its history is gone.'] };
  },
});

export const infoRecordCommand = defineCommand<void>({
  name: 'info record',
  aliases: [],
  summary: 'what is recorded: the icount range, where now is, snapshots and their memory',
  usage: 'info record',
  parse: (input) => noArgs(input, 'info record'),
  run(session) {
    const info = travelOf(session).info();
    return { kind: 'text', lines: info === null ? ['Not recording.'] : recordLines(info) };
  },
});

export const setRecordMemoryCommand = defineCommand<{ bytes: number }>({
  name: 'set record memory',
  aliases: [],
  summary: 'the most memory snapshots may hold (bytes, or with K/M/G); over it, every other snapshot goes and the interval doubles',
  usage: 'set record memory SIZE',
  parse({ words }) {
    const m = words.length === 1 ? /^(\d+)([KMG]?)(i?B)?$/i.exec(words[0]) : null;
    if (m === null) throw new CommandError('bad-args', 'usage: set record memory SIZE (e.g. 256M)');
    const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
    return { bytes: Number(m[1]) * unit };
  },
  run(session, { bytes }) {
    callSync(() => travelOf(session).setMemoryCap(bytes));
    return { kind: 'text', lines: [`Record memory: ${mib(bytes)}.`] };
  },
});
