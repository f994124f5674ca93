import { describe, expect, it } from 'vitest';
import { complete } from '../../../src/commands/lang/complete.ts';
import { COMMANDS, completeLine } from '../../../src/commands/lang/registry.ts';

const c = (line: string, cursor = line.length) => complete(line, cursor, null, COMMANDS);

describe('complete (no session)', () => {
  it.each<[string, number, string[]]>([
    ['st', 0, ['stats', 'step', 'stepi']],
    ['', 0, ['advance', 'awatch', 'b', 'backend', 'backtrace', 'bookmark', 'break', 'bt', 'c', 'commands', 'condition', 'console-send', 'cont', 'continue', 'continue-until-console', 'd', 'define', 'delete', 'dis', 'disable', 'disas', 'disassemble', 'display', 'echo', 'enable', 'filter', 'finish', 'gdbserver', 'goto', 'h', 'hbreak', 'help', 'hits', 'ignore', 'info', 'inspect', 'j', 'jump', 'load', 'n', 'next', 'nexti', 'ni', 'p', 'print', 'ps', 'q', 'quit', 'r', 'rc', 'rec', 'record', 'regs', 'reset', 'reverse-continue', 'reverse-finish', 'reverse-nexti', 'reverse-stepi', 'rni', 'rsi', 'run', 'run-for', 'rwatch', 's', 'set', 'si', 'source', 'stats', 'step', 'stepi', 'tbreak', 'translate', 'u', 'undisplay', 'until', 'watch', 'where', 'x']],
    ['info re', 5, ['record', 'registers']],
    ['i ', 2, ['all-registers', 'bookmarks', 'breakpoints', 'display', 'exits', 'float', 'frame', 'gdt', 'hits', 'idt', 'jit', 'mem', 'msr', 'os', 'processes', 'record', 'registers', 'segments', 'symbol', 'tlb', 'vcpu', 'vector']],
    ['set o', 4, ['output']],
    ['set output j', 11, ['json']],
    ['set jit o', 8, ['off', 'on']],
    ['set c', 4, ['cr3-source']],
    ['set cr3-source s', 15, ['sregs', 'sync']],
    ['p $r1', 2, ['$r10', '$r11', '$r12', '$r13', '$r14', '$r15', '$r16', '$r17', '$r18', '$r19']],
    ['backend ', 8, ['emu', 'kvm']],
    ['filter ', 7, ['cr3', 'off', 'process']],
    ['regs a', 5, ['all', 'apx']],
    ['stepi ', 6, []],
    ['nosuch x', 7, []],
  ])('%j', (line, start, want) => {
    expect(c(line)).toEqual({ start, candidates: want });
  });

  it('completeLine is complete over the registry', () => {
    expect(completeLine('fin', 3, null)).toEqual({ start: 0, candidates: ['finish'] });
  });

  it('completes the word under the cursor, not the end of the line', () => {
    expect(c('conti 5', 5)).toEqual({ start: 0, candidates: ['continue', 'continue-until-console'] });
    expect(c('console-', 8)).toEqual({ start: 0, candidates: ['console-send'] });
  });
});
