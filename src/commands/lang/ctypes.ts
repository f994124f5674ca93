/**
 * The C scalar types an expression may name in a cast (`(long)x`,
 * `(unsigned char *)p`) or a typed read (`{int}addr`), as gdb spells them
 * for a target without debug info: the integer types of the x86-64 SysV ABI
 * (char 1, short 2, int 4, long 8 bytes), the <stdint.h> names, and pointers
 * to any of them (8 bytes; `*` reads the pointee's size).
 */
export interface CType {
  /** Size in bytes of a value of this type. */
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  /** A pointer: what `*` reads through it (void: a byte, as gdb's `void *` arithmetic). */
  pointee?: CType;
  /** As written back in messages. */
  name: string;
}

const int = (name: string, size: CType['size'], signed: boolean): CType => ({ name, size, signed });

/** `long`: what a number literal and most values are (gdb evaluates integer literals as int/long). */
export const LONG = int('long', 8, true);
export const ULONG = int('unsigned long', 8, false);
export const INT = int('int', 4, true);

const BASE: Readonly<Record<string, CType>> = {
  char: int('char', 1, true),
  'signed char': int('signed char', 1, true),
  'unsigned char': int('unsigned char', 1, false),
  short: int('short', 2, true),
  'unsigned short': int('unsigned short', 2, false),
  int: INT,
  signed: INT,
  'signed int': INT,
  unsigned: int('unsigned int', 4, false),
  'unsigned int': int('unsigned int', 4, false),
  long: LONG,
  'signed long': LONG,
  'unsigned long': ULONG,
  'long long': int('long long', 8, true),
  'unsigned long long': int('unsigned long long', 8, false),
  bool: int('bool', 1, false),
  _Bool: int('_Bool', 1, false),
  void: int('void', 1, false),
  int8_t: int('int8_t', 1, true),
  uint8_t: int('uint8_t', 1, false),
  int16_t: int('int16_t', 2, true),
  uint16_t: int('uint16_t', 2, false),
  int32_t: int('int32_t', 4, true),
  uint32_t: int('uint32_t', 4, false),
  int64_t: int('int64_t', 8, true),
  uint64_t: int('uint64_t', 8, false),
  size_t: int('size_t', 8, false),
  ssize_t: int('ssize_t', 8, true),
  uintptr_t: int('uintptr_t', 8, false),
  intptr_t: int('intptr_t', 8, true),
  u8: int('u8', 1, false),
  u16: int('u16', 2, false),
  u32: int('u32', 4, false),
  u64: int('u64', 8, false),
  s8: int('s8', 1, true),
  s16: int('s16', 2, true),
  s32: int('s32', 4, true),
  s64: int('s64', 8, true),
};

/** Words that may start a type name (a `(` followed by one of these is a cast). */
export const TYPE_WORDS = new Set(['signed', 'unsigned', 'short', 'long', 'struct', ...Object.keys(BASE).filter((k) => !k.includes(' '))]);

/** The type named by `words` (`unsigned`, `long`, `long`, `int`) and `stars` levels of pointer; undefined when not a type. */
export function typeNamed(words: readonly string[], stars: number): CType | undefined {
  // `long int`, `short int`, `unsigned long int`: the trailing `int` adds nothing.
  const ws = words.length > 1 && words[words.length - 1] === 'int' && words[words.length - 2] !== 'unsigned' && words[words.length - 2] !== 'signed' ? words.slice(0, -1) : words;
  let t = BASE[ws.join(' ')];
  if (t === undefined) return undefined;
  if (t.name === 'void' && stars === 0) return undefined;
  for (let k = 0; k < stars; k++) t = { name: `${t.name} *`, size: 8, signed: false, pointee: t };
  return t;
}

/** `v` as a value of `t`: truncated to its size, sign-extended when signed, as 64-bit two's complement. */
export function convert(v: bigint, t: CType): bigint {
  const bits = t.size * 8;
  return BigInt.asUintN(64, t.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
}
