/**
 * C-style escapes in a command's text argument (`console-send`,
 * `continue-until-console`), as gdb's `echo` reads them: `\n` `\r` `\t`
 * `\e` (ESC) `\a` `\b` `\f` `\v` `\0` `\\` and `\xNN` (one byte, one or
 * two hex digits); any other character is itself, in UTF-8. The bytes are
 * what goes on the serial line.
 */
import { quoted } from '../../core/printable.ts';
import { CommandError } from '../errors.ts';

const SIMPLE: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09, e: 0x1b, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b, '0': 0x00, '\\': 0x5c };

export function unescapeBytes(text: string): Uint8Array {
  const out: number[] = [];
  let plain = '';
  const flush = () => {
    out.push(...Buffer.from(plain, 'utf8'));
    plain = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      plain += c;
      continue;
    }
    flush();
    const e = text[++i];
    if (e === undefined) throw new CommandError('bad-args', `a lone backslash at the end of ${quoted(text)} (write \\\\ for one)`);
    if (e === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))?.[0];
      if (hex === undefined) throw new CommandError('bad-args', `\\x needs one or two hex digits in ${quoted(text)}`);
      out.push(parseInt(hex, 16));
      i += hex.length;
      continue;
    }
    const b = SIMPLE[e];
    if (b === undefined) throw new CommandError('bad-args', `unknown escape \\${e} in ${quoted(text)} (\\n \\r \\t \\e \\a \\b \\f \\v \\0 \\\\ \\xNN)`);
    out.push(b);
  }
  flush();
  return Uint8Array.from(out);
}
