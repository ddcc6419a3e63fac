// Reads the server name and ALPN list from a TLS ClientHello without terminating TLS, as
// Teleport's proxy ALPN router does before forwarding a raw stream. Pure and defensive: any
// malformed input is "invalid", never an exception, and nothing here writes to a socket.

/** TLS record content type for handshake messages. */
const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
/** A record body may not exceed 2^14 bytes plus expansion (RFC 8446 5.2). */
const MAX_RECORD_BODY = 16384 + 2048;

export type HelloParse =
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string }
  | { status: 'ok'; alpn: string[]; serverName?: string };

/** Parses as much of `data` (the first bytes a client sent) as the ClientHello needs. */
export function parseClientHello(data: Buffer): HelloParse {
  const fragments: Buffer[] = [];
  let pos = 0;
  while (pos + 5 <= data.length) {
    if (data[pos] !== RECORD_HANDSHAKE) return { status: 'invalid', reason: 'not a TLS handshake' };
    const length = data.readUInt16BE(pos + 3);
    if (length > MAX_RECORD_BODY) return { status: 'invalid', reason: 'oversized TLS record' };
    if (pos + 5 + length > data.length) return { status: 'incomplete' };
    fragments.push(data.subarray(pos + 5, pos + 5 + length));
    pos += 5 + length;
    // A ClientHello may span several records; reassemble before reading it.
    const handshake = Buffer.concat(fragments);
    if (handshake.length < 4) continue;
    if (handshake[0] !== HANDSHAKE_CLIENT_HELLO) {
      return { status: 'invalid', reason: 'first handshake message is not a ClientHello' };
    }
    const bodyLength = handshake.readUIntBE(1, 3);
    if (handshake.length < 4 + bodyLength) continue;
    return parseBody(handshake.subarray(4, 4 + bodyLength));
  }
  if (data.length > 0 && data[0] !== RECORD_HANDSHAKE) {
    return { status: 'invalid', reason: 'not a TLS handshake' };
  }
  return { status: 'incomplete' };
}

/** A bounds-checked reader: reading past the end throws, and parseBody turns that into "invalid". */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  skip(n: number): void {
    this.take(n);
  }

  take(n: number): Buffer {
    if (n > this.remaining) throw new RangeError('truncated ClientHello');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Buffer {
    return this.take(this.remaining);
  }

  u8(): number {
    return this.take(1).readUInt8(0);
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  /** A vector with a 1- or 2-byte length prefix. */
  vector(prefixBytes: 1 | 2): Reader {
    return new Reader(this.take(prefixBytes === 1 ? this.u8() : this.u16()));
  }
}

function parseBody(body: Buffer): HelloParse {
  try {
    const r = new Reader(body);
    r.skip(2 + 32); // legacy_version, random
    r.vector(1); // legacy_session_id
    r.vector(2); // cipher_suites
    r.vector(1); // legacy_compression_methods
    const result: { status: 'ok'; alpn: string[]; serverName?: string } = {
      status: 'ok',
      alpn: [],
    };
    if (r.remaining === 0) return result;
    const extensions = r.vector(2);
    while (extensions.remaining > 0) {
      const type = extensions.u16();
      const ext = extensions.vector(2);
      if (type === EXT_ALPN) {
        const list = ext.vector(2);
        while (list.remaining > 0) result.alpn.push(list.vector(1).rest().toString('utf8'));
      } else if (type === EXT_SERVER_NAME) {
        const list = ext.vector(2);
        while (list.remaining > 0) {
          const nameType = list.u8();
          const name = list.vector(2);
          if (nameType === 0) result.serverName = name.rest().toString('ascii');
        }
      }
    }
    return result;
  } catch (err) {
    return { status: 'invalid', reason: err instanceof Error ? err.message : String(err) };
  }
}
