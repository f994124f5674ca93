/**
 * Hex as the remote protocol spells it (gdb manual, Remote Protocol ›
 * Overview): memory and register contents are two hex digits per byte in
 * target (little-endian) byte order, addresses and lengths big-endian hex
 * numbers without a prefix, and a register the stub cannot read is `xx`
 * per byte (Packets › g).
 */

/** Two lower-case hex digits per byte. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Bytes of an even-length hex string; throws on anything else. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`bad hex data '${text.slice(0, 32)}'`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** A protocol number (address, length, register number, thread id): big-endian hex. */
export function parseHexNumber(text: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(text)) throw new Error(`bad hex number '${text}'`);
  return BigInt(`0x${text}`);
}

/** `value` as `size` bytes of little-endian hex (a register in a g/p reply). */
export function leHex(value: bigint, size: number): string {
  let v = BigInt.asUintN(size * 8, value);
  let s = '';
  for (let i = 0; i < size; i++) {
    s += Number(v & 0xffn).toString(16).padStart(2, '0');
    v >>= 8n;
  }
  return s;
}

/** A little-endian value from hex (a register in a G/P packet). */
export function fromLeHex(text: string): bigint {
  const b = fromHex(text);
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** `size` unavailable bytes. */
export function unavailable(size: number): string {
  return 'xx'.repeat(size);
}

/** Text (UTF-8) as hex: O packets, qRcmd, qThreadExtraInfo. */
export function textToHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** Hex to text (UTF-8): qRcmd's command. */
export function hexToText(hex: string): string {
  return Buffer.from(fromHex(hex)).toString('utf8');
}
