// The workflow histories checked in under test/histories/ (recorded from real runs by
// `npm run record-histories`, scripts/record-histories.ts) and under test/histories-landed/<build>/
// (recorded by landed builds, never re-recorded): replayed by every later build's workflow code in
// `npm test`, so a change that would break a running watcher fails CI.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../src/temporal/worker';

type History = temporal.api.history.v1.IHistory;
const { History: HistoryMessage } = temporal.api.history.v1;

export const HISTORIES_DIR = path.resolve(__dirname, '../histories');
export const LANDED_HISTORIES_DIR = path.resolve(__dirname, '../histories-landed');

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

/** Every run's history on `taskQueue`, as the server holds them: what a test then replays. */
export async function taskQueueHistories(
  client: Client,
  taskQueue: string,
): Promise<Array<{ workflowId: string; history: History }>> {
  const histories = [];
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    histories.push({ workflowId: run.workflowId, history });
  }
  return histories;
}

/** One run a landed build recorded, in the server's binary form: `<scenario>-<NN>-<type>.bin`. */
export interface LandedRun {
  /** The landed build (its commit), the folder the run is in. */
  build: string;
  file: string;
  scenario: string;
  workflowType: string;
  history: History;
  events: NonNullable<History['events']>;
  /** The run's input (the first argument), as JSON. */
  input: unknown;
  /** Started by continue-as-new of an earlier run. */
  continued: boolean;
  /** Ended by continuing as new. */
  continuedAsNew: boolean;
  /** patched() ids its history recorded a marker for. */
  patches: string[];
}

const { EventType } = temporal.api.enums.v1;

/** Every landed build's runs, by build (folder name), files in name order. */
export function landedRuns(dir = LANDED_HISTORIES_DIR): Map<string, LandedRun[]> {
  const builds = new Map<string, LandedRun[]>();
  for (const build of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!build.isDirectory()) continue;
    const files = fs
      .readdirSync(path.join(dir, build.name))
      .filter((f) => f.endsWith('.bin'))
      .sort();
    builds.set(
      build.name,
      files.map((file) =>
        landedRun(build.name, file, fs.readFileSync(path.join(dir, build.name, file))),
      ),
    );
  }
  return builds;
}

function landedRun(build: string, file: string, bytes: Buffer): LandedRun {
  const history = HistoryMessage.decode(bytes);
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const name = /^(.+)-\d+-[^-]+\.bin$/.exec(file);
  if (!started || !name?.[1])
    throw new Error(`${build}/${file}: not a <scenario>-<NN>-<type>.bin history`);
  const payload = started.input?.payloads?.[0]?.data;
  return {
    build,
    file,
    scenario: name[1],
    workflowType: started.workflowType?.name ?? '',
    history,
    events,
    input: payload ? JSON.parse(Buffer.from(payload).toString('utf8')) : undefined,
    continued: Boolean(started.continuedExecutionRunId),
    continuedAsNew:
      events.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    patches: events.flatMap((e) => patchOf(e.markerRecordedEventAttributes)),
  };
}

/** The SDK records patched('id') as a `core_patch` marker whose patch-data payload names the id. */
function patchOf(
  marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined,
): string[] {
  if (marker?.markerName !== 'core_patch') return [];
  const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
  if (!data) return [];
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { id?: unknown };
  return typeof parsed.id === 'string' ? [parsed.id] : [];
}
