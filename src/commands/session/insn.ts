/**
 * Just enough x86-64 decoding for nexti and finish: is the instruction at
 * RIP a near CALL (and how long is it), or a near RET. Legacy prefixes and
 * REX are skipped; anything else is "other". IRET and SYSRET end a
 * handler's frame (finish from an interrupt or syscall entry). SYSCALL and PUSHF matter
 * because a single-step leaks the host's TF into what they save (R11, the
 * stack), which the session cleans up after stepping them.
 */

export type Flow =
  | { kind: 'call'; len: number }
  | { kind: 'ret' }
  /** IRET/SYSRET: leaves an interrupt or syscall frame (finish stops after it). */
  | { kind: 'iret'; sysret: boolean }
  | { kind: 'syscall' }
  | { kind: 'pushf' }
  | { kind: 'other' };

const LEGACY = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/** Length of a ModRM operand (ModRM byte, SIB, displacement) starting at `bytes[i]`, 64-bit addressing. */
function modrmLen(bytes: Uint8Array, i: number): number {
  const m = bytes[i];
  const mod = m >> 6, rm = m & 7;
  let n = 1;
  if (mod !== 3 && rm === 4) {
    const sib = bytes[i + 1];
    n++;
    if (mod === 0 && (sib & 7) === 5) n += 4;
  }
  if (mod === 0 && rm === 5) n += 4; // RIP-relative
  else if (mod === 1) n += 1;
  else if (mod === 2) n += 4;
  return n;
}

/** Classifies the instruction in `bytes` (at least 15 bytes read at RIP). */
export function classify(bytes: Uint8Array): Flow {
  let i = 0;
  while (i < 14 && LEGACY.has(bytes[i])) i++;
  if ((bytes[i] & 0xf0) === 0x40) i++; // REX
  const op = bytes[i];
  if (op === 0xe8) return { kind: 'call', len: i + 5 };
  if (op === 0xff && ((bytes[i + 1] >> 3) & 7) === 2) return { kind: 'call', len: i + 1 + modrmLen(bytes, i + 1) };
  if (op === 0xc3 || op === 0xc2) return { kind: 'ret' };
  if (op === 0x0f && bytes[i + 1] === 0x05) return { kind: 'syscall' };
  if (op === 0xcf) return { kind: 'iret', sysret: false };
  if (op === 0x0f && bytes[i + 1] === 0x07) return { kind: 'iret', sysret: true };
  if (op === 0x9c) return { kind: 'pushf' };
  return { kind: 'other' };
}
