// The workflow histories checked in under test/histories/: recorded from real runs by
// `npm run record-histories` (scripts/record-histories.ts), replayed by every later build's
// workflow code in `npm test`, so a change that would break a running watcher fails CI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '../histories');

/** One run's history as the recorder writes it: which run, and Temporal's JSON of its events. */
export interface RecordedRun {
  scenario: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  history: unknown;
}

export interface LoadedRun extends RecordedRun {
  file: string;
  events: NonNullable<History['events']>;
  parsed: History;
}

export function recordedRuns(dir = HISTORIES_DIR): LoadedRun[] {
  const files: string[] = [];
  for (const scenario of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!scenario.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(dir, scenario.name)).sort())
      if (name.endsWith('.json')) files.push(path.join(dir, scenario.name, name));
  }
  return files.map((file) => {
    const run = JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedRun;
    const parsed = historyFromJSON(run.history);
    return { ...run, file: path.relative(dir, file), parsed, events: parsed.events ?? [] };
  });
}
