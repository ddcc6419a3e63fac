// The custom search attributes each sweep run carries, so `temporal workflow list --query
// "JitUsers = 'alice'"` and the Web UI's filter find every sweep that decided about alice.
// They are never encrypted: only user names, request ids and action names go in, no secrets.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const JIT_USERS = defineSearchAttributeKey('JitUsers', SearchAttributeType.KEYWORD_LIST);
export const JIT_REQUEST_IDS = defineSearchAttributeKey(
  'JitRequestIds',
  SearchAttributeType.KEYWORD_LIST,
);
export const JIT_ACTIONS = defineSearchAttributeKey('JitActions', SearchAttributeType.KEYWORD_LIST);
export const JIT_DRY_RUN = defineSearchAttributeKey('JitDryRun', SearchAttributeType.BOOL);
/** Shadow mode: evaluations in the run where the shadow policy disagreed with the live one. */
export const JIT_SHADOW_DISAGREEMENTS = defineSearchAttributeKey(
  'JitShadowDisagreements',
  SearchAttributeType.INT,
);

/** Registration strings in the form `temporal server start-dev --search-attribute` takes. */
export const SEARCH_ATTRIBUTE_REGISTRATIONS: readonly string[] = [
  'JitUsers=KeywordList',
  'JitRequestIds=KeywordList',
  'JitActions=KeywordList',
  'JitDryRun=Bool',
  'JitShadowDisagreements=Int',
];
