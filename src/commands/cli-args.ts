/**
 * The part of the command line meow cannot take (commands.md "Invocation"):
 * `-ex CMD` (meow's short flags are one character), `-x FILE` and `-ex`
 * kept in the order given (gdb runs them so), and unknown options refused
 * with one line (meow prints two). What is left goes to meow.
 */
import { quoted } from '../core/printable.ts';
import { UsageError } from './errors.ts';
import { didYouMean } from './lang/suggest.ts';

export type ScriptAction = { kind: 'file'; file: string } | { kind: 'eval'; command: string };

export interface PreParsed {
  /** -x/--command FILE and -ex/--eval CMD, in command-line order. */
  actions: ScriptAction[];
  /** Everything else, for meow. */
  rest: string[];
}

/** Options meow handles (with a value: `--backend kvm` or `--backend=kvm`). */
const VALUE_OPTIONS = ['--backend', '--console', '--gdb', '--guest', '--kernel', '--initrd', '--append', '--system-map', '--os-offsets', '--mem'];
const BOOLEAN_OPTIONS = ['--batch', '--tui', '--interactive', '--json', '--keep-going', '--no-color', '--color', '--no-jit', '--jit', '--version', '--help'];
const ALL = ['-x', '-ex', '--command', '--eval', ...VALUE_OPTIONS, ...BOOLEAN_OPTIONS];

export function preParse(argv: readonly string[]): PreParsed {
  const actions: ScriptAction[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`option '${name}' needs a value (see vdbg --help)`);
      return argv[++i];
    };
    if (name === '-x' || name === '--command') actions.push({ kind: 'file', file: value() });
    else if (name === '-ex' || name === '--eval') actions.push({ kind: 'eval', command: value() });
    else if (VALUE_OPTIONS.includes(name)) {
      const v = value();
      rest.push(`${name}=${v}`);
    } else if (BOOLEAN_OPTIONS.includes(name) && inline === undefined) rest.push(a);
    else if (/^-x./.test(a) && !a.startsWith('--')) actions.push({ kind: 'file', file: a.slice(2) });
    else {
      const hint = didYouMean(name, ALL);
      throw new UsageError(`unknown option ${quoted(name)}${hint ? ` (${hint})` : ''}; see vdbg --help`);
    }
  }
  return { actions, rest };
}
