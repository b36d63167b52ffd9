/**
 * `netchange policy explain`: reads the repository's policy files, resolves their `extends`, and
 * explains the effective policies. A policy without `extends` is explained as its own single layer.
 */
import { usageError } from '../core/errors.js';
import type { YamlDocument } from '../documents/parse-yaml.js';
import { explainPolicy, type PolicyExplainOutput, type PolicyExplanation } from '../packs/explain.js';
import type { PolicyKind } from '../packs/locate.js';
import { mergePolicyLayers } from '../packs/merge.js';
import { utcDay } from '../packs/waivers.js';
import { inheritanceOf, type Workspace } from '../pipeline/workspace.js';
import { checkPolicyFiles } from './check-policies.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

/** `--kind` values and the policy kind each names. */
export const EXPLAIN_KINDS = {
  'change-control': 'ChangeControlPolicy',
  windows: 'WindowPolicy',
} as const satisfies Record<string, PolicyKind>;

export type ExplainKind = keyof typeof EXPLAIN_KINDS;

export interface PolicyExplainRequest {
  repo?: string;
  /** One kind; default both. */
  kind?: ExplainKind;
}

export async function explainPolicies(
  request: PolicyExplainRequest,
  context: UseCaseContext,
): Promise<PolicyExplainOutput> {
  const workspace = await openRequestedWorkspace(request, context);
  const now = context.clock.now();
  const day = utcDay(now);
  const kinds = request.kind ? [request.kind] : (Object.keys(EXPLAIN_KINDS) as ExplainKind[]);
  // why: an effective policy that validate refuses is no policy in force; explaining it would say it is.
  await checkPolicyFiles(
    workspace,
    { at: now, env: context.env },
    kinds.map((kind) => EXPLAIN_KINDS[kind]),
  );
  const policies: PolicyExplanation[] = [];
  for (const kind of kinds) {
    const explained = explainKind(workspace, EXPLAIN_KINDS[kind], day);
    if (explained) policies.push(explained);
    else if (request.kind) {
      const file = kind === 'windows' ? workspace.config.paths.windows : workspace.config.paths.changeControl;
      throw usageError(
        `there is no ${kind} policy (${file})`,
        'Write the policy file, or run netchange init.',
      );
    }
  }
  return { day, policies };
}

function explainKind(workspace: Workspace, kind: PolicyKind, day: string): PolicyExplanation | undefined {
  const resolved = inheritanceOf(workspace, kind);
  if (resolved) {
    return explainPolicy({
      kind,
      file: resolved.document.file,
      layers: resolved.layers,
      merged: resolved.merged,
      waivers: resolved.waivers,
      day,
    });
  }
  const document: YamlDocument | undefined =
    kind === 'WindowPolicy' ? workspace.windowPolicyDocument : workspace.changeControlDocument;
  if (!document) return undefined;
  const layers = [{ label: document.file, file: document.file, document }];
  return explainPolicy({
    kind,
    file: document.file,
    layers,
    merged: mergePolicyLayers(kind, layers),
    waivers: [],
    day,
  });
}
