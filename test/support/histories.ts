// The workflow histories checked in under test/histories/: recorded from real runs by
// `npm run record-histories` (scripts/record-histories.ts), replayed by every later build's
// workflow code in `npm test`, so a change that would break a running watcher fails CI.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../src/temporal/worker';

type History = temporal.api.history.v1.IHistory;
const { History: HistoryMessage } = temporal.api.history.v1;

export const HISTORIES_DIR = path.resolve(__dirname, '../histories');

/** One run's history as the recorder writes it: which run, and Temporal's JSON of its events. */
export interface RecordedRun {
  scenario: string;
  workflowType: string;
  workflowId: string;
  runId: string;
  history: unknown;
}

/**
 * A history as plain JSON (enums by name, 64-bit numbers and bytes as strings), from the proto
 * classes' own conversion: the SDK's historyToJSON needs one shared protobufjs, which an install
 * may not have.
 */
export function historyToObject(history: History): unknown {
  return HistoryMessage.toObject(HistoryMessage.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
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
    const parsed = HistoryMessage.fromObject(run.history as Record<string, unknown>);
    return { ...run, file: path.relative(dir, file), parsed, events: parsed.events ?? [] };
  });
}

/**
 * Replays each history with this build's workflow bundle and asserts none fails; the failure names
 * the history by `label` (its file, where it came from one).
 */
export async function assertReplays(
  histories: Array<{ workflowId: string; history: History; label?: string }>,
): Promise<void> {
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle() },
    histories,
  )) {
    const label = histories[replayed]?.label ?? result.workflowId;
    assert.equal(result.error, undefined, `${label}: ${String(result.error)}`);
    replayed += 1;
  }
  assert.equal(replayed, histories.length);
}
