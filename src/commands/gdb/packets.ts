/**
 * The packets gdb sends, parsed into values (gdb manual, Remote Protocol ›
 * Packets, General Query Packets). Pure: data in, a Packet out; anything not
 * listed is `unsupported` (the server answers it with the empty reply, which
 * tells gdb the packet is not implemented), anything listed but malformed is
 * `malformed` (answered E).
 */
import { bytesOf, unescapeBinary } from './framing.ts';
import { fromHex, hexToText, parseHexNumber } from './hex.ts';

/** A thread-id (Packets › thread-id): `-1` all threads, `0` any thread, else a positive hex number. */
export type ThreadId = { kind: 'all' } | { kind: 'any' } | { kind: 'id'; tid: number };

/** A resume action (c, s, vCont): `r` is range stepping (vCont;r start,end). */
export type ResumeAction = { op: 'c' | 's'; signal?: number } | { op: 'r'; start: bigint; end: bigint } | { op: 't' };

export interface VContAction {
  action: ResumeAction;
  /** The thread it applies to; absent: every thread without an action of its own. */
  thread?: ThreadId;
}

/** Z/z types (Packets › Z): 0 software breakpoint, 1 hardware breakpoint, 2 write, 3 read, 4 access watchpoint. */
export type PointType = 0 | 1 | 2 | 3 | 4;

export type Packet =
  | { type: 'status' } // ?
  | { type: 'read-registers' } // g
  | { type: 'write-registers'; hex: string } // G
  | { type: 'read-register'; reg: number } // p n
  | { type: 'write-register'; reg: number; hex: string } // P n=r
  | { type: 'read-memory'; addr: bigint; len: number } // m addr,length
  | { type: 'write-memory'; addr: bigint; data: Uint8Array } // M addr,length:XX…  /  X addr,length:binary
  | { type: 'resume'; action: ResumeAction; addr?: bigint } // c [addr], s [addr], C sig[;addr], S sig[;addr]
  | { type: 'vcont-query' } // vCont?
  | { type: 'vcont'; actions: VContAction[] } // vCont;action[:thread]…
  | { type: 'insert-point' | 'remove-point'; kind: PointType; addr: bigint; size: number } // Z/z type,addr,kind
  | { type: 'set-thread'; op: 'g' | 'c'; thread: ThreadId } // Hg / Hc
  | { type: 'thread-alive'; thread: ThreadId } // T thread-id
  | { type: 'supported'; features: string[] } // qSupported[:features]
  | { type: 'xfer-read'; object: string; annex: string; offset: number; length: number } // qXfer:object:read:annex:offset,length
  | { type: 'thread-info-first' } // qfThreadInfo
  | { type: 'thread-info-next' } // qsThreadInfo
  | { type: 'thread-extra-info'; thread: ThreadId } // qThreadExtraInfo,thread-id
  | { type: 'current-thread' } // qC
  | { type: 'attached' } // qAttached[:pid]
  | { type: 'offsets' } // qOffsets
  | { type: 'monitor'; command: string } // qRcmd,hex
  | { type: 'no-ack-mode' } // QStartNoAckMode
  | { type: 'symbol' } // qSymbol::
  | { type: 'detach' } // D[;pid]
  | { type: 'kill'; packet: 'k' | 'vKill' } // k (no reply), vKill;pid (OK)
  | { type: 'reverse'; op: 'bs' | 'bc' } // bs, bc (reverse step / continue)
  | { type: 'unsupported'; raw: string }
  | { type: 'malformed'; raw: string; why: string };

/** Largest m/M/X length accepted (the PacketSize we announce bounds gdb's requests well below it). */
export const MAX_MEMORY_LEN = 1 << 16;

function threadId(text: string): ThreadId {
  // Multiprocess form pPID.TID (only if negotiated, which vdbg does not; accepted anyway): the TID part.
  const t = text.startsWith('p') && text.includes('.') ? text.slice(text.indexOf('.') + 1) : text;
  if (t === '-1') return { kind: 'all' };
  const n = Number(parseHexNumber(t));
  return n === 0 ? { kind: 'any' } : { kind: 'id', tid: n };
}

function count(text: string, max: number, what: string): number {
  const n = parseHexNumber(text);
  if (n > BigInt(max)) throw new Error(`${what} 0x${n.toString(16)} is too large (at most 0x${max.toString(16)})`);
  return Number(n);
}

/** `addr,length` of m/M/X/Z. */
function addrLen(text: string, max: number): [bigint, number] {
  const parts = text.split(',');
  if (parts.length !== 2) throw new Error(`expected ADDR,LENGTH, got '${text}'`);
  return [parseHexNumber(parts[0]), count(parts[1], max, 'length')];
}

function signal(text: string): number {
  return count(text, 0xff, 'signal');
}

function resumeAction(text: string): ResumeAction {
  switch (text[0]) {
    case 'c':
    case 's':
      if (text.length !== 1) throw new Error(`bad action '${text}'`);
      return { op: text[0] };
    case 'C':
    case 'S':
      return { op: text[0] === 'C' ? 'c' : 's', signal: signal(text.slice(1)) };
    case 'r': {
      const [start, end] = text.slice(1).split(',');
      if (end === undefined) throw new Error(`bad range '${text}'`);
      return { op: 'r', start: parseHexNumber(start), end: parseHexNumber(end) };
    }
    case 't':
      return { op: 't' };
    default:
      throw new Error(`unknown vCont action '${text}'`);
  }
}

function vcont(body: string): VContAction[] {
  const out: VContAction[] = [];
  for (const part of body.split(';').slice(1)) {
    const colon = part.indexOf(':');
    const action = resumeAction(colon < 0 ? part : part.slice(0, colon));
    out.push(colon < 0 ? { action } : { action, thread: threadId(part.slice(colon + 1)) });
  }
  if (out.length === 0) throw new Error('vCont without actions');
  return out;
}

function query(raw: string): Packet {
  if (raw === 'qfThreadInfo') return { type: 'thread-info-first' };
  if (raw === 'qsThreadInfo') return { type: 'thread-info-next' };
  if (raw === 'qC') return { type: 'current-thread' };
  if (raw === 'qAttached' || raw.startsWith('qAttached:')) return { type: 'attached' };
  if (raw === 'qOffsets') return { type: 'offsets' };
  if (raw.startsWith('qSymbol:')) return { type: 'symbol' };
  if (raw === 'qSupported' || raw.startsWith('qSupported:')) return { type: 'supported', features: raw.length > 11 ? raw.slice(11).split(';') : [] };
  if (raw.startsWith('qThreadExtraInfo,')) return { type: 'thread-extra-info', thread: threadId(raw.slice(17)) };
  if (raw.startsWith('qRcmd,')) return { type: 'monitor', command: hexToText(raw.slice(6)) };
  if (raw.startsWith('qXfer:')) {
    // qXfer:object:read:annex:offset,length
    const parts = raw.split(':');
    if (parts.length === 5 && parts[2] === 'read') {
      const [offset, length] = parts[4].split(',');
      if (length === undefined) throw new Error(`expected OFFSET,LENGTH, got '${parts[4]}'`);
      return { type: 'xfer-read', object: parts[1], annex: parts[3], offset: count(offset, 0x7fffffff, 'offset'), length: count(length, 0x7fffffff, 'length') };
    }
  }
  return { type: 'unsupported', raw };
}

/** Parses one packet's data (as framed, escapes still in: only X's binary data is unescaped). */
export function parsePacket(data: Uint8Array): Packet {
  const raw = Buffer.from(data).toString('latin1');
  try {
    return parse(raw, data);
  } catch (e) {
    return { type: 'malformed', raw, why: (e as Error).message };
  }
}

function parse(raw: string, data: Uint8Array): Packet {
  const body = raw.slice(1);
  switch (raw[0]) {
    case '?':
      return raw === '?' ? { type: 'status' } : { type: 'unsupported', raw };
    case 'g':
      return raw === 'g' ? { type: 'read-registers' } : { type: 'unsupported', raw };
    case 'G':
      fromHex(body.replace(/x/g, '0'));
      return { type: 'write-registers', hex: body };
    case 'p':
      return { type: 'read-register', reg: count(body, 0xffff, 'register') };
    case 'P': {
      const eq = body.indexOf('=');
      if (eq < 0) throw new Error(`expected N=VALUE, got '${body}'`);
      const hex = body.slice(eq + 1);
      fromHex(hex);
      return { type: 'write-register', reg: count(body.slice(0, eq), 0xffff, 'register'), hex };
    }
    case 'm': {
      const [addr, len] = addrLen(body, MAX_MEMORY_LEN);
      return { type: 'read-memory', addr, len };
    }
    case 'M': // M addr,length:XX… (hex)
    case 'X': {
      // X addr,length:binary (escaped; Packets › X)
      const colon = raw.indexOf(':');
      if (colon < 0) throw new Error(`expected ADDR,LENGTH:${raw[0] === 'M' ? 'XX…' : 'binary'}`);
      const [addr, len] = addrLen(raw.slice(1, colon), MAX_MEMORY_LEN);
      const bytes = raw[0] === 'M' ? fromHex(raw.slice(colon + 1)) : unescapeBinary(data.subarray(colon + 1));
      if (bytes.length !== len) throw new Error(`length ${len} but ${bytes.length} bytes of data`);
      return { type: 'write-memory', addr, data: bytes };
    }
    case 'c':
    case 's':
      return body === '' ? { type: 'resume', action: { op: raw[0] } } : { type: 'resume', action: { op: raw[0] }, addr: parseHexNumber(body) };
    case 'C':
    case 'S': {
      const [sig, addr] = body.split(';');
      const action: ResumeAction = { op: raw[0] === 'C' ? 'c' : 's', signal: signal(sig) };
      return addr === undefined ? { type: 'resume', action } : { type: 'resume', action, addr: parseHexNumber(addr) };
    }
    case 'Z':
    case 'z': {
      // Z type,addr,kind[;cond_list…][;cmds:…]: conditions and commands are not announced (qSupported), so not expected; ignored.
      const [head] = body.split(';');
      const parts = head.split(',');
      if (parts.length !== 3) throw new Error(`expected TYPE,ADDR,KIND, got '${head}'`);
      const kind = Number(parts[0]);
      if (!/^[0-4]$/.test(parts[0])) return { type: 'unsupported', raw };
      return { type: raw[0] === 'Z' ? 'insert-point' : 'remove-point', kind: kind as PointType, addr: parseHexNumber(parts[1]), size: count(parts[2], 0xffff, 'kind') };
    }
    case 'H':
      if (body[0] !== 'g' && body[0] !== 'c') return { type: 'unsupported', raw };
      return { type: 'set-thread', op: body[0], thread: threadId(body.slice(1)) };
    case 'T':
      return { type: 'thread-alive', thread: threadId(body) };
    case 'D':
      return { type: 'detach' };
    case 'k':
      return raw === 'k' ? { type: 'kill', packet: 'k' } : { type: 'unsupported', raw };
    case 'b':
      return raw === 'bs' || raw === 'bc' ? { type: 'reverse', op: raw } : { type: 'unsupported', raw };
    case 'q':
      return query(raw);
    case 'Q':
      return raw === 'QStartNoAckMode' ? { type: 'no-ack-mode' } : { type: 'unsupported', raw };
    case 'v':
      if (raw === 'vCont?') return { type: 'vcont-query' };
      if (raw.startsWith('vCont;')) return { type: 'vcont', actions: vcont(raw) };
      if (raw === 'vKill' || raw.startsWith('vKill;')) return { type: 'kill', packet: 'vKill' };
      return { type: 'unsupported', raw };
    default:
      return { type: 'unsupported', raw };
  }
}

/** Test helper and server convenience: parse a latin1 string. */
export function parsePacketText(text: string): Packet {
  return parsePacket(bytesOf(text));
}
