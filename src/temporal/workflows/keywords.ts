// Keyword-list search attributes are capped by the Temporal server (2 KiB per value by default).
// A sweep that acts on more users or requests than fit keeps the first ones, deduplicated and
// sorted; the full record stays in the history. Pure: imported by workflow code.

const MAX_VALUE_BYTES = 1800; // under the server's 2,048-byte default, leaving room for encoding

export function cappedKeywords(values: string[]): string[] {
  const out: string[] = [];
  let size = 2;
  for (const value of [...new Set(values)].sort()) {
    const cost = utf8Length(value) + 3; // quotes and separator in the JSON the server measures
    if (size + cost > MAX_VALUE_BYTES) break;
    out.push(value);
    size += cost;
  }
  return out;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}
