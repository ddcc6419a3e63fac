// A minimal DER reader, just enough to read the subject of an X.509 certificate exactly.
// Node's X509Certificate exposes the subject only as OpenSSL's printed text, which escapes and
// renames attributes; Teleport's identity lives in custom OIDs, so we read the bytes instead.

export interface DerNode {
  tag: number;
  /** The content octets. */
  value: Buffer;
  /** Offset just past this node in the buffer it was read from. */
  end: number;
}

export const TAG = {
  INTEGER: 0x02,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
} as const;

export function readNode(buf: Buffer, offset = 0): DerNode {
  if (offset + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[offset] as number;
  let length = buf[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (buf[start + i] as number);
    start += octets;
  }
  const end = start + length;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, value: buf.subarray(start, end), end };
}

/** The children of a constructed node (SEQUENCE, SET, context-tagged). */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const child = readNode(node.value, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function decodeOid(value: Buffer): string {
  const first = value[0] as number;
  const parts = [Math.floor(first / 40), first % 40];
  let acc = 0;
  for (let i = 1; i < value.length; i++) {
    const byte = value[i] as number;
    acc = acc * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}
