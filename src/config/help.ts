// Help text and the README configuration reference, generated from the OPTIONS table so they can
// never disagree with what the parser accepts. Secrets are listed by name only, never by value.
import { formatDuration } from './duration';
import { getPath, type CommandFlagSpecs } from './load';
import { CONFIG_FILE_OPTION, OPTIONS, canonicalFlag, yamlKey, type OptionSpec } from './options';
import { defaultConfig } from './types';

/** `--help` output: the command's own flags first, then every global setting. */
export function usage(commandLine: string, commandFlags: CommandFlagSpecs = {}): string {
  const lines = [
    `Usage: ${commandLine}`,
    '',
    'Flags take -name=value, -name value, --name=value or --name value.',
    '',
  ];
  for (const spec of Object.values(commandFlags)) {
    const value = spec.kind === 'bool' ? '' : ` ${spec.example ?? 'VALUE'}`;
    lines.push(row(spec.names.map(dashed).join(', ') + value, spec.help));
  }
  for (const spec of [CONFIG_FILE_OPTION, ...OPTIONS]) {
    if (spec.flags.length === 0) continue;
    // The Go sample's spelling first (-m, -poll-interval), GNU aliases after (--max-resources).
    const names = spec.flags
      .map((n, i) => (n.length === 1 || (spec.go && i === 0) ? `-${n}` : `--${n}`))
      .join(', ');
    const sample = spec.example ?? spec.choices?.join('|') ?? spec.kind.toUpperCase();
    const value = spec.kind === 'bool' ? '' : ` ${sample}`;
    lines.push(row(names + value, `${spec.help}${defaultNote(spec)} [${spec.env.join(', ')}]`));
  }
  return lines.join('\n') + '\n';
}

/** A Markdown table: flag, environment variable, YAML key, default, meaning. */
export function configReference(): string {
  const lines = ['| flag | environment | YAML key | default | meaning |', '|---|---|---|---|---|'];
  for (const spec of [CONFIG_FILE_OPTION, ...OPTIONS]) {
    const cells = [
      spec.flags.length ? (canonicalFlag(spec) ?? '') : '-',
      spec.env.map((e) => `\`${e}\``).join(', '),
      spec.noYaml ? '-' : `\`${yamlKey(spec)}\``,
      defaultText(spec) ?? '-',
      spec.help,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** Two columns; a long left side gets its own line so the descriptions stay aligned. */
function row(left: string, right: string): string {
  const width = 34;
  return left.length < width
    ? `  ${left.padEnd(width)} ${right}`
    : `  ${left}\n  ${''.padEnd(width)} ${right}`;
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

function defaultNote(spec: OptionSpec): string {
  const text = defaultText(spec);
  return text === undefined ? '' : ` (default ${text})`;
}

function defaultText(spec: OptionSpec): string | undefined {
  if (spec.secret || spec === CONFIG_FILE_OPTION) return undefined;
  const value = getPath(defaultConfig(), spec.key);
  if (value === undefined || value === '') return undefined;
  if (spec.kind === 'duration' && typeof value === 'number') return formatDuration(value);
  if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}
