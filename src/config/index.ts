// Configuration's public surface: load a validated Config (defaults <- YAML <- env <- flags), the
// one error it throws, and help generated from the same table. Nothing here caches a Config.
export { ConfigError } from './errors';
export { defaultConfig, redactConfig, type Config, type LogLevel, type TemporalTls } from './types';
export {
  loadConfig,
  type CommandFlagSpec,
  type CommandFlagSpecs,
  type CommandFlagValues,
  type LoadOptions,
  type LoadedConfig,
} from './load';
export { OPTIONS, type OptionSpec } from './options';
export { usage, configReference } from './help';
export { parseGoDuration, formatDuration } from './duration';
