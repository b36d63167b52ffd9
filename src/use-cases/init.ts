import { existsSync, lstatSync, type Stats } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Temporal } from 'temporal-polyfill';
import { NetchangeError, usageError } from '../core/errors.js';
import { isValidTimeZone } from '../core/time.js';
import { makeDirectory } from '../documents/write-paths.js';
import { initGitRepository, isInsideWorkTree, stageFiles } from '../git/simple-git.js';
import type { UseCaseContext } from './context.js';
import { type PackStarter, packStarter, SAMPLE_PROPOSAL, withPack } from './init-pack.js';
import { findNextSlots } from './windows.js';

const TEMPLATES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

/** Template folders and where their files go in the new repository. */
const SOURCES = [
  { directory: path.join(TEMPLATES, 'init'), target: '' },
  // why: the same workflows the example uses and the GitHub tests check, not a copy of them.
  { directory: path.join(TEMPLATES, 'workflows'), target: '.github/workflows/' },
  // why: every YAML file init writes names its schema (`# yaml-language-server: $schema=…`), so an
  // editor checks proposals and policies as they are typed; the schemas travel with the repository,
  // at the version of the netchange that wrote it (`init --force` refreshes them).
  { directory: path.resolve(TEMPLATES, '../schemas'), target: 'schemas/' },
];

// why: npm drops files named .gitignore from packages, so the template is stored without the dot.
const RENAMES: Record<string, string> = { gitignore: '.gitignore' };

export interface InitOptions {
  directory: string;
  cwd: string;
  now: Date;
  timezone?: string;
  force: boolean;
  /** `--pack`: the policy pack the repository's policies extend. */
  pack?: string;
  /** Where the packs are (default: NETCHANGE_PACKS_DIR, else the installation's policies/). */
  packsRoot?: string;
  /** `--runner a,b`: the self-hosted runner's labels, as the workflows' default (else DEFAULT_RUNNER_LABELS). */
  runner?: string;
}

/** The labels the workflows' device jobs run on unless the repository variable NETCHANGE_RUNNER says otherwise. */
const DEFAULT_RUNNER_LABELS: readonly string[] = ['self-hosted', 'netchange'];
// why: a label GitHub accepts and a YAML single-quoted JSON string can hold without escaping.
const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
// why: GitHub's own images (ubuntu-latest, windows-2022, macos-14); the device jobs would run outside.
const GITHUB_HOSTED_LABEL = /^(ubuntu|windows|macos)-/i;

/**
 * The runner labels of `--runner a,b`: each a GitHub runner label, at least one, none twice.
 * why: the workflows fall back to them only where the variable NETCHANGE_RUNNER is unset, so a
 * repository still changes them in one place later.
 */
function parseRunnerLabels(text: string): string[] {
  const labels = text.split(',').map((label) => label.trim());
  const bad = labels.find((label) => !RUNNER_LABEL.test(label));
  if (bad !== undefined) {
    throw usageError(
      bad === ''
        ? `--runner '${text}' has an empty label`
        : `--runner: '${bad}' is not a runner label (letters, digits, '.', '_' and '-')`,
      'Give the labels of the self-hosted runner inside the management network, comma-separated: --runner self-hosted,plant-a.',
    );
  }
  const hosted = labels.find((label) => GITHUB_HOSTED_LABEL.test(label));
  if (hosted !== undefined) {
    throw usageError(
      `--runner: '${hosted}' is a GitHub-hosted runner, which cannot reach devices in the management network`,
      'Give the labels of your self-hosted runner there, comma-separated: --runner self-hosted,plant-a (docs/scale.md).',
    );
  }
  if (new Set(labels).size !== labels.length) {
    throw usageError(
      `--runner '${text}' names a label twice`,
      'Give each label once: --runner self-hosted,plant-a.',
    );
  }
  return labels;
}

export interface InitResult {
  root: string;
  files: string[];
  initialisedGit: boolean;
  /** The labels the workflows' device jobs run on (the default where the variable NETCHANGE_RUNNER is unset). */
  runnerLabels: readonly string[];
}

/** Writes the starter repository. The sample proposal is dated so it validates clean from `now` on. */
export async function initRepository(options: InitOptions): Promise<InitResult> {
  const root = path.resolve(options.cwd, options.directory);
  const timezone = options.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isValidTimeZone(timezone)) {
    throw usageError(
      `--timezone '${timezone}' is not a known IANA time zone`,
      'Use a name like America/Chicago.',
    );
  }
  const runnerLabels =
    options.runner === undefined ? DEFAULT_RUNNER_LABELS : parseRunnerLabels(options.runner);
  // why: before anything is written, so an unknown pack leaves the directory untouched.
  const starter: PackStarter | undefined = options.pack
    ? await packStarter(options.pack, options.packsRoot)
    : undefined;
  const targets = (
    await Promise.all(
      SOURCES.map(async (source) =>
        (
          await listTemplates(source.directory)
        ).map((template) => ({
          template: path.join(source.directory, template),
          target: `${source.target}${RENAMES[template] ?? template}`,
        })),
      ),
    )
  ).flat();
  // why: before anything is written, so a refused target leaves every file as it was.
  refuseUnwritableTargets(
    root,
    targets.map(({ target }) => target),
  );
  const existing = targets
    .filter(({ target }) => existsSync(path.join(root, target)))
    .map(({ target }) => target);
  if (existing.length > 0 && !options.force) {
    throw usageError(
      `${root} already has ${existing.join(', ')}`,
      'Choose an empty directory, or pass --force to overwrite.',
    );
  }
  makeDirectory(root, { what: 'the repository', hint: INIT_DIRECTORY_HINT });
  const values: Record<string, string> = {
    __TIMEZONE__: timezone,
    __START__: firstStart(options.now, timezone),
  };
  for (const { template, target } of targets) {
    const text = await readFile(template, 'utf8');
    const destination = path.join(root, target);
    makeDirectory(path.dirname(destination), { what: 'the folder', hint: INIT_DIRECTORY_HINT });
    const replaced = text.replace(/__(TIMEZONE|START)__/g, (name) => values[name] ?? name);
    const filled = starter ? withPack(target, replaced, starter) : replaced;
    await writeFile(
      destination,
      target.startsWith(WORKFLOWS)
        ? forRepository(target, filled, { timezone, now: options.now, runnerLabels })
        : filled,
    );
  }
  let initialisedGit = false;
  if (!(await isInsideWorkTree(root))) {
    await initGitRepository(root);
    initialisedGit = true;
  }
  return { root, files: targets.map(({ target }) => target).sort(), initialisedGit, runnerLabels };
}

/**
 * Stages the files init wrote, and only those.
 * why: netchange runs only files git tracks (a step naming an untracked playbook is a reference
 * error), so the starter validates clean only once its files are added; nothing is committed, so
 * the first commit stays the user's.
 */
export async function stageStarterFiles(root: string, files: readonly string[]): Promise<void> {
  try {
    await stageFiles(root, files);
  } catch (error) {
    throw new NetchangeError('E_GIT', `git add of the starter files failed: ${(error as Error).message}`, {
      hint: 'Check that git works in the directory, then run git add . there.',
    });
  }
}

const INIT_DIRECTORY_HINT = 'Name a directory you can write to, or a new one: netchange init DIR.';

/**
 * Refuses any target file or folder under the root that is a symlink, or a file where a folder goes
 * (or the other way round). why: `init --force` would write through `netchange.yaml -> /elsewhere`,
 * and a `policies -> /elsewhere` folder would receive the policies; the root itself is the
 * operator's choice and may be a symlink.
 */
function refuseUnwritableTargets(root: string, targets: readonly string[]): void {
  const checked = new Set<string>();
  for (const target of targets) {
    const parts = target.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const relative = parts.slice(0, depth).join('/');
      if (checked.has(relative)) continue;
      checked.add(relative);
      const entry = path.join(root, relative);
      const found = lstatOrUndefined(entry);
      if (!found) break;
      if (found.isSymbolicLink()) {
        throw usageError(
          `${entry} is a symlink; netchange init does not write through symlinks`,
          'Remove the symlink (or choose another directory) and run netchange init again.',
        );
      }
      const isFolder = depth < parts.length;
      if (isFolder !== found.isDirectory()) {
        throw usageError(
          `${entry} is ${isFolder ? 'a file where netchange init writes a folder' : 'a folder where netchange init writes a file'}`,
          'Move it away (or choose another directory) and run netchange init again.',
        );
      }
    }
  }
}

function lstatOrUndefined(entry: string): Stats | undefined {
  try {
    return lstatSync(entry);
  } catch {
    return undefined;
  }
}

/** A workflow template made the repository's: its zone, the digest's local morning, the runner's labels. */
function forRepository(
  target: string,
  workflow: string,
  repository: { timezone: string; now: Date; runnerLabels: readonly string[] },
): string {
  const labelled = workflow.replaceAll(
    JSON.stringify(DEFAULT_RUNNER_LABELS),
    JSON.stringify(repository.runnerLabels),
  );
  if (target === DIGEST_WORKFLOW) {
    return scheduleDigestAtLocalMorning(labelled, repository.timezone, repository.now);
  }
  if (target === CAB_WORKFLOW) return labelled.replace(CAB_ZONE_LINE, `  TZ: ${repository.timezone}\n`);
  return labelled;
}

const WORKFLOWS = '.github/workflows/';
const DIGEST_WORKFLOW = '.github/workflows/netchange-digest.yaml';
const CAB_WORKFLOW = '.github/workflows/netchange-cab.yaml';
// why: the template keeps the example's zone (the example's workflows equal the templates byte for
// byte); init puts the repository's zone there, where the CAB pack workflow finds the meeting's day.
const CAB_ZONE_LINE = '  TZ: America/Chicago\n';
const DIGEST_CRON_LINE = "    - cron: '0 7 * * *'\n";
/** The local hour the morning digest is posted at. */
const DIGEST_LOCAL_HOUR = 7;

/**
 * The UTC cron expressions that fire at 07:00 local time in `timezone`, one per UTC offset the zone
 * uses in the year from `now` (two where it observes daylight saving time, one elsewhere).
 */
export function digestCronExpressions(timezone: string, now: Date): string[] {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(timezone)
    .toPlainDate();
  const expressions = new Set<string>();
  for (let month = 0; month < 12; month++) {
    const utc = today
      .add({ months: month })
      .toZonedDateTime({
        timeZone: timezone,
        plainTime: Temporal.PlainTime.from({ hour: DIGEST_LOCAL_HOUR }),
      })
      .toInstant()
      .toZonedDateTimeISO('UTC');
    expressions.add(`${utc.minute} ${utc.hour} * * *`);
  }
  return [...expressions].sort();
}

/**
 * GitHub Actions cron runs in UTC. why: 07:00 local is a different UTC hour in summer and winter, so
 * the workflow gets one cron entry per offset and, when there are two, a first step that lets only the
 * run at 07:00 local through (a manual run always goes through).
 */
export function scheduleDigestAtLocalMorning(workflow: string, timezone: string, now: Date): string {
  const expressions = digestCronExpressions(timezone, now);
  const cronLines = expressions.map((expression) => `    - cron: '${expression}'\n`).join('');
  const comment = `  # 07:00 in ${timezone}: GitHub's cron is UTC, one entry per UTC offset of the year.\n`;
  let text = workflow.replace(DIGEST_CRON_LINE, `${comment}${cronLines}`);
  if (expressions.length < 2) return text;
  const hour = String(DIGEST_LOCAL_HOUR).padStart(2, '0');
  const guard =
    '      - name: Go on only at 07:00 local time\n' +
    '        id: local-morning\n' +
    `        run: if [ "$GITHUB_EVENT_NAME" != schedule ] || [ "$(TZ=${timezone} date +%H)" = ${hour} ]; then echo due=true >> "$GITHUB_OUTPUT"; fi\n`;
  text = text.replace('    steps:\n', `    steps:\n${guard}`);
  // why: every step after the guard: a notify step left ungated ran without the checkout in the
  // other hour's run (a failed run every day), and would post the headline twice inside one.
  const due = "steps.local-morning.outputs.due == 'true'";
  return text
    .replace(
      /^( {6}- (?:uses: actions\/checkout@v4|name: Post the morning digest)\n)/gm,
      `$1        if: ${due}\n`,
    )
    .replaceAll('if: ${{ !cancelled() && ', `if: \${{ ${due} && !cancelled() && `);
}

async function listTemplates(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    );
}

/**
 * The sample change's start: 02:00 local on the first Sunday at least three days ahead — past the
 * lead time, and outside the sample business-hours window, whatever day `init` runs.
 */
/**
 * Moves the sample proposal to the first open slot when its Sunday 02:00 is closed by the policy in
 * force (a pack's year-end freeze, a plant's shifts), so `init` validates clean on any day of the year.
 * Returns the new local start, or nothing when the sample was already open or no slot was found.
 */
export async function placeSampleInOpenWindow(
  root: string,
  now: Date,
  context: UseCaseContext,
): Promise<string | undefined> {
  const found = await findNextSlots(
    { file: SAMPLE_PROPOSAL, repo: root, at: now, count: 1 },
    { ...context, cwd: root },
  );
  const slot = found.report?.slots[0];
  if (!found.report || found.report.open || !slot) return undefined;
  // why: the proposal keeps a local wall-clock start in its own zone, as the template writes it.
  const localStart = slot.localStart.slice(0, 16);
  const file = path.join(root, SAMPLE_PROPOSAL);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/^( {2}start: )"[^"]*"$/m, `$1"${localStart}"`));
  return localStart;
}

function firstStart(now: Date, timezone: string): string {
  let date = Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(timezone)
    .toPlainDate()
    .add({ days: 3 });
  while (date.dayOfWeek !== 7) date = date.add({ days: 1 });
  return `${date.toString()}T02:00`;
}
