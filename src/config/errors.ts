// The one error configuration loading throws: a single line naming the flag, variable or key, the
// bad value and the fix. The CLI's main prints .message and exits 2; nothing else should catch it.

export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(message: string) {
    // One line, always: a message that wraps would be cut by log scrapers and systemd's journal.
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}
