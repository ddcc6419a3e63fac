// Every line the demo prints, built here so the wording and the columns live in one place and the
// test can match what a user sees. Pure: strings in, strings out; nothing here prints.
import { describeAsk, shortId, type ResourceId } from '../../src/domain/accessRequest';
import type { Outcome } from './story';

export { shortId };

const MARKS: Record<Outcome, string> = { approved: '✔', denied: '✖', locked: '🔒' };
/** Terminals draw the lock emoji two columns wide; the label is padded one less to keep columns. */
const LABEL_WIDTH: Record<Outcome, number> = { approved: 8, denied: 8, locked: 7 };

export interface DecisionLine {
  outcome: Outcome;
  user: string;
  requestId: string;
  roles: string[];
  resources: ResourceId[];
  /** The resolve reason of a request, the message of a lock. */
  reason: string;
}

export function decisionLine(d: DecisionLine): string {
  const label = `${MARKS[d.outcome]} ${d.outcome.padEnd(LABEL_WIDTH[d.outcome])}`;
  const what = describeAsk(d.roles, d.resources).padEnd(16);
  return `  ${label} ${d.user.padEnd(6)} req ${shortId(d.requestId)}  ${what}  ${d.reason}`;
}

export function stepHeader(number: number, title: string): string {
  return `\n${number}. ${title}`;
}

/** Progress while the stack starts: seconds since the demo began, then what is happening. */
export function progressLine(elapsedMs: number, text: string): string {
  return `[${(elapsedMs / 1000).toFixed(1).padStart(5)}s] ${text}`;
}

/** The Web UI page of one workflow; ids hold slashes, so they are encoded as one segment. */
export function workflowUrl(webUiUrl: string, workflowId: string, namespace = 'default'): string {
  return `${webUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}

export function workflowListUrl(webUiUrl: string, namespace = 'default'): string {
  return `${webUiUrl}/namespaces/${namespace}/workflows`;
}

/** Where a workflow can be seen: its Web UI page, or its id when there is no UI. */
export function whereToSee(webUiUrl: string | undefined, workflowId: string): string {
  return webUiUrl ? workflowUrl(webUiUrl, workflowId) : `workflow ${workflowId}`;
}

export interface SummaryView {
  counts: { approved: number; denied: number; locked: number };
  sweeps?: number;
  webUiUrl?: string;
  temporalAddress: string;
  /** How to run the Temporal CLI here: "temporal" or the path where it was found. */
  temporalCli: string;
  keep: boolean;
}

export function summaryLines(s: SummaryView): string[] {
  const { approved, denied, locked } = s.counts;
  const source = s.sweeps === undefined ? 'from Teleport' : `watcher totals, ${s.sweeps} sweeps`;
  const lines = [
    '',
    'Summary',
    `  ${approved} approved, ${denied} denied, ${locked} locked  (${source})`,
  ];
  if (s.webUiUrl) lines.push(`  Web UI:  ${workflowListUrl(s.webUiUrl)}`);
  lines.push(`  Try:     ${workflowListCommand(s.temporalCli, s.temporalAddress, 'alice')}`);
  if (!s.keep) lines.push('  (these work while the demo runs: npm run demo -- --keep)');
  return lines;
}

function workflowListCommand(cli: string, address: string, user: string): string {
  return `${cli} workflow list --address ${address} --query "JitUsers = '${user}'"`;
}

export interface ExploreView {
  cluster: string;
  workflowId: string;
  webUiUrl?: string;
  temporalAddress: string;
  temporalCli: string;
}

/** For --keep: what to try while everything stays up. */
export function exploreLines(e: ExploreView): string[] {
  const signal = (name: string): string =>
    `${e.temporalCli} workflow signal --address ${e.temporalAddress} --workflow-id ${e.workflowId} --name ${name}`;
  const lines = ['', 'Everything keeps running; press Ctrl-C to stop it. Things to try:'];
  if (e.webUiUrl) lines.push(`  Web UI:     ${workflowUrl(e.webUiUrl, e.workflowId)}`);
  lines.push(
    `  Status:     npx tsx src/cli/main.ts status --cluster ${e.cluster} --temporal-address ${e.temporalAddress}`,
    `  Pause:      ${signal('pause')}`,
    `  Resume:     ${signal('resume')}`,
    `  Sweep now:  ${signal('sweepNow')}`,
  );
  return lines;
}

export interface IntroView {
  cluster: string;
  maxResources: number;
  conflictPatterns: string[];
  watcherLink: string;
}

/** What the watcher will enforce, before the first step, so each outcome can be predicted. */
export function introLines(i: IntroView): string[] {
  const apart = i.conflictPatterns.map((p) => JSON.stringify(p)).join(' and ');
  return [
    '',
    `The watcher for ${i.cluster} enforces the default policy: at most ${i.maxResources} resources`,
    `per user, and ${apart} never held together. Watch it work:`,
    `  ${i.watcherLink}`,
  ];
}
