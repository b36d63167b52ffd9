/**
 * `netchange notify`: reads one result (a digest, an apply run, a CAB pack), describes it as a
 * Notification, redacts it, shapes it for Slack or Teams and posts it to the webhook whose URL is in
 * the environment variable netchange.yaml names. The URL is a secret from the moment it is read: the
 * redactor learns it before anything is described, so no message, error or payload can carry it.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EvidenceRecord } from '../audit/types.js';
import { configError, NetchangeError, usageError } from '../core/errors.js';
import { readTextFile } from '../documents/read-file.js';
import { chatText } from '../notify/chat-text.js';
import type { ChatName, Notification } from '../notify/model.js';
import { buildSlackMessage } from '../notify/slack.js';
import { describeApplyNotification } from '../notify/sources/apply-result.js';
import { cabPackProblem, describeCabMarkdown, describeCabPack, isCabPack } from '../notify/sources/cab.js';
import { describeDigestNotification } from '../notify/sources/digest.js';
import type { NotificationSourceName } from '../notify/sources/registry.js';
import { buildTeamsMessage } from '../notify/teams.js';
import { createWebhookPoster, WebhookPostError, type WebhookPoster } from '../notify/webhook-http.js';
import { openWorkspace, type Workspace } from '../pipeline/workspace.js';
import { createConfigRedactor, type Redactor } from '../redact/index.js';
import type { ApplyResult } from '../runs/index.js';
import type { UseCaseContext } from './context.js';
import { digestChanges } from './evidence.js';

export interface NotifyRequest {
  to: ChatName;
  from: NotificationSourceName;
  repo?: string;
  /** `--link URL`: where the whole story is; default the CI run when in GitHub Actions. */
  link?: string;
  /** `--dry-run`: build and return the payload, post nothing (no webhook needed). */
  dryRun?: boolean;
  /** digest: the period and team, as for `netchange digest`. */
  digest?: { since: Date; until: Date; team?: string; fetch: boolean };
  /** apply-result: the run directory, relative to the context's cwd. */
  runDir?: string;
  /** cab: a rendered pack, markdown or JSON, relative to the context's cwd. */
  file?: string;
  /** cab without `file`: the pack is assembled now for this meeting, as `netchange cab` does. */
  cab?: { meeting: Date; since: Date; fetch: boolean };
}

/** One message built, and posted unless dry run. */
export interface NotifyMessage {
  /** The message's title, for the line the CLI prints. */
  title: string;
  /** The payload as posted (redacted). */
  payload: unknown;
  /** Attempts the post took; 0 for a dry run. */
  attempts: number;
}

export interface NotifyOutcome {
  to: ChatName;
  from: NotificationSourceName;
  /** In posting order; empty when the source had nothing to announce (no apply run). */
  messages: NotifyMessage[];
}

/**
 * Reads what a source announces, one message per result (several apply runs give several); one
 * loader per source name (adding a name without a loader fails to compile).
 */
type SourceLoader = (
  request: NotifyRequest,
  workspace: Workspace,
  context: UseCaseContext,
) => Promise<Notification[]>;

const SOURCE_LOADERS: Record<NotificationSourceName, SourceLoader> = {
  digest: loadDigestNotification,
  'apply-result': loadApplyNotification,
  cab: loadCabNotification,
};

const PAYLOAD_BUILDERS: Record<ChatName, (notification: Notification) => unknown> = {
  slack: buildSlackMessage,
  teams: buildTeamsMessage,
};

/** Largest file notify reads (result.json, a CAB pack). */
const RUN_DIRECTORY_HINT = 'Name the run directory apply printed (it holds result.json).';
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export async function notify(
  request: NotifyRequest,
  context: UseCaseContext,
  poster?: WebhookPoster,
): Promise<NotifyOutcome> {
  const workspace = await openWorkspace({
    cwd: context.cwd,
    ...(request.repo ? { repo: request.repo } : {}),
  });
  const webhook = request.dryRun ? undefined : webhookFor(request.to, workspace, context.env);
  // why: every configured webhook URL is a secret, set or used or not (a dry run needs none).
  const redactor = createConfigRedactor(workspace.config, context.env);
  const loaded = await SOURCE_LOADERS[request.from](request, workspace, context);
  const notifications = redactor.redactValue(loaded.map(chatText));
  // why: redacted twice: the notification as data, then the payload, so markup added by a builder
  // cannot reassemble a secret the first pass split.
  const built = notifications.map((notification) => ({
    title: notification.title,
    payload: redactor.redactValue(PAYLOAD_BUILDERS[request.to](notification)),
  }));
  const outcome = { to: request.to, from: request.from };
  if (!webhook) return { ...outcome, messages: built.map((message) => ({ ...message, attempts: 0 })) };
  const post =
    poster ??
    createWebhookPoster({
      now: () => context.clock.now().getTime(),
      onRetry: (message) => context.notice(redactor.redactText(message)),
    });
  const messages: NotifyMessage[] = [];
  for (const message of built) {
    try {
      const report = await post.post(request.to, webhook.url, message.payload);
      messages.push({ ...message, attempts: report.attempts });
    } catch (error) {
      throw postFailure(error, request.to, webhook.envName, redactor, messages.length);
    }
  }
  return { ...outcome, messages };
}

/** The webhook URL for a chat, from the environment variable netchange.yaml names. */
function webhookFor(
  chat: ChatName,
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
): { envName: string; url: string } {
  const envName = workspace.config.notify[chat]?.webhookEnv;
  const example = `NETCHANGE_${chat.toUpperCase()}_WEBHOOK`;
  if (!envName) {
    throw configError(`netchange.yaml names no ${chat} webhook`, {
      hint: `Add \`notify: {${chat}: {webhookEnv: ${example}}}\` to netchange.yaml and set ${example} (a CI secret) to the incoming webhook URL.`,
    });
  }
  const url = env[envName]?.trim();
  if (!url) {
    throw configError(`the environment variable ${envName} (notify.${chat}.webhookEnv) is not set`, {
      hint: `Set ${envName} to the ${chat} incoming webhook URL; in GitHub Actions pass it from a secret.`,
    });
  }
  if (!isUsableWebhookUrl(url)) {
    // why: the value is not echoed, even when it is malformed: it may still be the secret, mistyped.
    throw configError(`${envName} does not hold an https URL`, {
      hint: `Set ${envName} to the incoming webhook URL the ${chat} admin page shows (https://...).`,
    });
  }
  return { envName, url };
}

/** https, or http to this machine (a local receiver, as the tests use). */
function isUsableWebhookUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function postFailure(
  error: unknown,
  chat: ChatName,
  envName: string,
  redactor: Redactor,
  posted: number,
): NetchangeError {
  const before = posted > 0 ? ` (${posted} earlier message(s) were posted)` : '';
  if (error instanceof WebhookPostError) {
    const hint =
      error.reason === 'client-error'
        ? error.status === 404 || error.status === 403 || error.status === 410
          ? `The webhook in ${envName} is unknown, revoked or its channel archived: create a new incoming webhook and update the secret.`
          : `The ${chat} webhook refused the payload; run with --dry-run to see it, and report it if it looks right.`
        : `The ${chat} webhook is unavailable or rate limited; run the same command again later (nothing was posted).`;
    return new NetchangeError('E_NOTIFY', redactor.redactText(`notify: ${error.message}${before}`), { hint });
  }
  // why: never the error's own text: a library message could quote the request it failed on.
  return new NetchangeError('E_NOTIFY', `notify: the ${chat} post failed unexpectedly${before}`, {
    hint: 'Run again; if it keeps failing, check the network between this runner and the chat service.',
  });
}

/** `--link`, else the GitHub Actions run this runs in, else none. */
function linkFor(request: NotifyRequest, env: NodeJS.ProcessEnv, label: string): Notification['link'] {
  if (request.link) return { label, url: request.link };
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return { label: 'CI run', url: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` };
  }
  return undefined;
}

async function loadDigestNotification(
  request: NotifyRequest,
  workspace: Workspace,
  context: UseCaseContext,
): Promise<Notification[]> {
  if (!request.digest)
    throw usageError('--from digest needs the digest period', 'Add --since, e.g. --since 12h for the night.');
  const run = await digestChanges(
    {
      since: request.digest.since,
      until: request.digest.until,
      fetch: request.digest.fetch,
      repo: workspace.root,
      ...(request.digest.team ? { team: request.digest.team } : {}),
    },
    context,
  );
  return [describeDigestNotification(run.digest, linkFor(request, context.env, 'Full digest'))];
}

async function loadApplyNotification(
  request: NotifyRequest,
  workspace: Workspace,
  context: UseCaseContext,
): Promise<Notification[]> {
  if (!request.runDir) {
    throw usageError('--from apply-result needs --run-dir DIR', RUN_DIRECTORY_HINT);
  }
  const link = linkFor(request, context.env, 'Apply run');
  const notifications: Notification[] = [];
  for (const run of await applyRunDirectories(path.resolve(context.cwd, request.runDir), request.runDir)) {
    const result = parseApplyResult(
      await readInput(path.join(run.absolute, 'result.json'), `${run.shown}/result.json`, RUN_DIRECTORY_HINT),
      run.shown,
    );
    const evidence = await findRunEvidence(workspace, run.absolute, result, context);
    notifications.push(
      describeApplyNotification({ result, ...(evidence ? { evidence } : {}), ...(link ? { link } : {}) }),
    );
  }
  // why: a wrong directory must not pass as "nothing to announce"; the apply workflow runs notify only
  // when some run wrote a result.json, so an empty folder here is a mistake in the command.
  if (notifications.length === 0)
    throw usageError(
      `${request.runDir} holds no apply run: no result.json in it or in a directory directly under it`,
      'Name the run directory netchange apply printed, or the folder of them (.netchange/runs); plan runs have no result.json.',
    );
  return notifications;
}

/**
 * The CAB pack. Registration point for the lead: when `netchange cab` lands, a run without `--file`
 * can build the pack here with its use-case (src/use-cases/cab.ts) and describe it; until then the
 * pack is read from the file `netchange cab --format markdown|json --output FILE` wrote.
 */
async function loadCabNotification(
  request: NotifyRequest,
  _workspace: Workspace,
  context: UseCaseContext,
): Promise<Notification[]> {
  if (!request.file) {
    if (!request.cab) {
      throw usageError(
        '--from cab needs --file PACK (markdown or JSON) or a meeting to assemble the pack for',
        'Give --meeting ISO, or write the pack first: netchange cab --format json --output cab.json.',
      );
    }
    const { prepareCabPack } = await import('./cab.js');
    const run = await prepareCabPack(
      { ...request.cab, ...(request.repo ? { repo: request.repo } : {}) },
      context,
    );
    return [describeCabPack(run.pack, linkFor(request, context.env, 'CAB pack'))];
  }
  const text = await readInput(
    path.resolve(context.cwd, request.file),
    request.file,
    'Check the path; --file takes the pack `netchange cab --output FILE` wrote (markdown or --format json).',
  );
  const link = linkFor(request, context.env, 'CAB pack');
  if (/\.json$/i.test(request.file)) {
    let pack: unknown;
    try {
      pack = JSON.parse(text);
    } catch (error) {
      throw usageError(
        `${request.file} is not JSON (${error instanceof Error ? error.message : String(error)})`,
        'Pass the file `netchange cab --format json` wrote, or its markdown.',
      );
    }
    if (!isCabPack(pack)) {
      throw usageError(
        `${request.file} is not a CAB pack: ${cabPackProblem(pack)}`,
        'Pass the file `netchange cab --format json --output FILE` wrote (or its markdown), or leave out --file to assemble the pack now.',
      );
    }
    return [describeCabPack(pack, link)];
  }
  return [notEmptyPack(describeCabMarkdown(text, link), request.file)];
}

/**
 * A markdown pack read from a file, refused when nothing in it reads as a pack. why: every pack
 * `netchange cab` writes has sections, even when they are empty, so a file with none (a wrong path,
 * another document) would otherwise be announced to the channel as "The pack is empty.".
 */
function notEmptyPack(notification: Notification, file: string): Notification {
  if (notification.sections.length > 0) return notification;
  throw usageError(
    `${file} is not a CAB pack: it has no sections (## headings under a # title)`,
    'Pass the file `netchange cab --format markdown|json --output FILE` wrote, or leave out --file to assemble the pack now.',
  );
}

/**
 * The run directories `--run-dir` names: itself when it holds result.json, else each directory
 * directly under it that does, oldest first (their names start with the run's time). why: a fresh CI
 * runner's `.netchange/runs` holds exactly the runs of its job, so `apply --due` then
 * `notify --run-dir .netchange/runs` announces each change it applied; plan runs have no result.json.
 */
async function applyRunDirectories(
  absolute: string,
  shown: string,
): Promise<{ absolute: string; shown: string }[]> {
  if (!existsSync(absolute))
    throw usageError(`${shown} does not exist`, 'Name the run directory apply printed.');
  if (!(await stat(absolute)).isDirectory())
    throw usageError(`${shown} is not a directory`, RUN_DIRECTORY_HINT);
  if (existsSync(path.join(absolute, 'result.json'))) return [{ absolute, shown }];
  const entries = await readdir(absolute, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(absolute, entry.name, 'result.json')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ absolute: path.join(absolute, name), shown: `${shown.replace(/\/+$/, '')}/${name}` }));
}

async function readInput(absolute: string, shown: string, missingHint: string): Promise<string> {
  if (!existsSync(absolute)) throw usageError(`${shown} does not exist`, missingHint);
  const read = readTextFile(absolute, shown, MAX_INPUT_BYTES);
  if (!read.ok) throw usageError(`${shown}: ${read.finding.message}`, read.finding.hint);
  return read.text;
}

/** result.json, checked enough that describing it cannot throw. */
function parseApplyResult(text: string, runDir: string): ApplyResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`${runDir}/result.json is not JSON`, 'Name a run directory netchange apply wrote.');
  }
  const result = value as Partial<ApplyResult> | null;
  const proposal = result?.proposal;
  const valid =
    result?.kind === 'NetchangeApplyResult' &&
    typeof result.outcome === 'string' &&
    typeof result.message === 'string' &&
    typeof result.finishedAt === 'string' &&
    typeof proposal?.id === 'string' &&
    typeof proposal.file === 'string' &&
    [result.steps, result.verification, result.rollback].every(Array.isArray);
  if (!valid) {
    throw usageError(
      `${runDir}/result.json is not an apply result`,
      'Name a run directory netchange apply wrote.',
    );
  }
  return value as ApplyResult;
}

/** The evidence record of this run (for its approvals and pull request), when the repository holds one. */
async function findRunEvidence(
  workspace: Workspace,
  directory: string,
  result: ApplyResult,
  context: UseCaseContext,
): Promise<EvidenceRecord | undefined> {
  if (!workspace.git) return undefined;
  try {
    const { readEvidence } = await import('../audit/index.js');
    const records = await readEvidence(workspace.root);
    return [...records]
      .reverse()
      .find(
        (record) =>
          (record.runDirectory !== undefined &&
            path.resolve(workspace.root, record.runDirectory) === directory) ||
          (record.proposal.id === result.proposal.id && record.finishedAt === result.finishedAt),
      );
  } catch (error) {
    context.notice(
      `approvals are not shown: the evidence could not be read (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
}
