// The one plain-text table every CLI prints (decisions, simulate, and the test kit's sim CLI), so
// they line up the same way and a change of layout is made once. Pure string work.

/**
 * Left-aligned columns separated by two spaces, header first, one line per row, no final newline.
 * The last column is not padded and lines carry no trailing blanks, so long free-text reasons go
 * last.
 */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
