// `--since 24h`: the one reading of a look-back period the commands that read recorded decisions
// share (decisions, backtest, agreement), days allowed, so each says the same thing about a bad
// value.
import { parseGoDuration } from '../config/duration';
import { ConfigError } from '../config/errors';

/** The moment `text` (e.g. 24h, 90m, 7d) before `now`; a bad value is one line with the fix. */
export function sinceTime(text: string, now: Date): Date {
  const ms = parseGoDuration(text, { days: true });
  if (ms === undefined || ms < 0)
    throw new ConfigError(
      `--since: not a duration: ${JSON.stringify(text)}; use e.g. 24h, 90m or 7d`,
    );
  return new Date(now.getTime() - ms);
}
