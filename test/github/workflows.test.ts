import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import { readWorkflowTemplates } from '../../src/github/workflow-templates.js';
import { EXAMPLE_ROOT, PROJECT_ROOT } from '../support/repository.js';

interface Step {
  uses?: string;
  with?: { command?: string };
}

const templates = await readWorkflowTemplates();

function netchangeCommands(text: string): string[] {
  const workflow = parse(text) as { jobs: Record<string, { steps?: Step[] }> };
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? [])
      .filter((step) => step.uses?.startsWith('netchange/netchange@'))
      .map((step) => step.with?.command ?? ''),
  );
}

describe('workflow templates', () => {
  it('cover pull requests, reviews, the schedule, emergencies, the morning digest, the CAB pack and hourly drift', () => {
    const triggers = [...templates.values()].map((text) =>
      Object.keys((parse(text) as { on: object }).on)
        .sort()
        .join(','),
    );

    expect([...templates.keys()]).toEqual([
      'netchange-apply.yaml',
      'netchange-cab.yaml',
      'netchange-digest.yaml',
      'netchange-drift.yaml',
      'netchange-emergency.yaml',
      'netchange-pull-request.yaml',
      'netchange-review.yaml',
    ]);
    expect(triggers).toEqual([
      'schedule,workflow_dispatch',
      'schedule,workflow_dispatch',
      'schedule,workflow_dispatch',
      'schedule,workflow_dispatch',
      'workflow_dispatch',
      'pull_request,workflow_call',
      'pull_request_review',
    ]);
  });

  it.each([...templates.keys()])('%s runs only commands and options netchange has', (name) => {
    const program = buildProgram();

    for (const command of netchangeCommands(templates.get(name) ?? '')) {
      const [subcommand, ...words] = command.replace(/\$\{\{[^}]+\}\}/g, 'VALUE').split(/\s+/);
      const known = program.commands.find((candidate) => candidate.name() === subcommand);
      expect(known, `${name}: netchange ${subcommand}`).toBeDefined();
      const flags = new Set(known?.options.map((option) => option.long));
      for (const word of words.filter((candidate) => candidate.startsWith('--')))
        expect(flags, `${name}: ${word}`).toContain(word);
    }
  });

  it('drift runs hourly, keeps its issues and proposes reverts, with each job holding only the permissions it needs', () => {
    const workflow = parse(templates.get('netchange-drift.yaml') ?? '') as {
      on: { schedule: { cron: string }[] };
      permissions: Record<string, string>;
      jobs: Record<string, { permissions: Record<string, string>; needs?: string; steps: Step[] }>;
    };

    expect(workflow.on.schedule).toEqual([{ cron: '0 * * * *' }]);
    expect(workflow.permissions).toEqual({});
    expect(netchangeCommands(templates.get('netchange-drift.yaml') ?? '')).toEqual([
      'drift --github --propose',
    ]);
    // The job that runs playbooks against the devices cannot open pull requests...
    expect(workflow.jobs.drift?.permissions).toEqual({ contents: 'write', issues: 'write' });
    // ...and the job that opens the revert pull request runs no playbook and writes no issue.
    const opener = workflow.jobs['revert-pull-request'];
    expect(opener?.needs).toBe('drift');
    expect(opener?.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(opener?.steps.map((step) => step.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      'peter-evans/create-pull-request',
    ]);
  });

  it('are the workflows of the example repository, byte for byte', async () => {
    for (const [name, text] of templates) {
      expect(await readFile(path.join(EXAMPLE_ROOT, '.github/workflows', name), 'utf8')).toBe(text);
    }
  });

  it('runs the jobs that reach devices on the self-hosted runner set in NETCHANGE_RUNNER, the rest on GitHub-hosted runners', () => {
    const runnerOf = (name: string, job: string): unknown =>
      (parse(templates.get(name) ?? '') as { jobs: Record<string, { 'runs-on': unknown }> }).jobs[job]?.[
        'runs-on'
      ];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    const selfHosted = '${{ fromJSON(vars.NETCHANGE_RUNNER || \'["self-hosted","netchange"]\') }}';

    expect(
      [
        ['netchange-pull-request.yaml', 'plan'],
        ['netchange-apply.yaml', 'apply-due'],
        ['netchange-emergency.yaml', 'emergency'],
        ['netchange-drift.yaml', 'drift'],
      ].map(([name, job]) => runnerOf(name as string, job as string)),
    ).toEqual(Array(4).fill(selfHosted));
    expect(
      [
        ['netchange-pull-request.yaml', 'validate'],
        ['netchange-pull-request.yaml', 'comment'],
        ['netchange-drift.yaml', 'revert-pull-request'],
        ['netchange-digest.yaml', 'digest'],
        ['netchange-cab.yaml', 'cab'],
      ].map(([name, job]) => runnerOf(name as string, job as string)),
    ).toEqual(Array(5).fill('ubuntu-latest'));
  });

  it('never plans a fork pull request on the self-hosted runner, and shards plan and apply by NETCHANGE_SHARDS', () => {
    const pullRequest = parse(templates.get('netchange-pull-request.yaml') ?? '') as {
      jobs: Record<string, { if?: string; strategy?: { matrix: { shard: string } }; needs?: string[] }>;
    };
    const review = parse(templates.get('netchange-review.yaml') ?? '') as {
      jobs: Record<string, { uses?: string; permissions?: Record<string, string> }>;
    };
    const forkGuard = 'github.event.pull_request.head.repo.full_name == github.repository';

    expect(pullRequest.jobs.plan?.if).toBe(forkGuard);
    // why: a fork's GITHUB_TOKEN is read-only, so its comment could not be posted either.
    expect(pullRequest.jobs.comment?.if).toBe(`always() && ${forkGuard}`);
    expect(pullRequest.jobs.plan?.strategy?.matrix.shard).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      "${{ fromJSON(vars.NETCHANGE_SHARDS || '[1]') }}",
    );
    expect(pullRequest.jobs.comment?.needs).toEqual(['validate', 'plan']);
    expect(netchangeCommands(templates.get('netchange-pull-request.yaml') ?? '')).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      'plan --since origin/${{ github.event.pull_request.base.ref }} --github --pr ${{ github.event.pull_request.number }} --shard ${{ matrix.shard }}/${{ strategy.job-total }} --out-dir ${{ runner.temp }}/netchange-pr-run',
    );
    // why: a review runs the same jobs (plan on the self-hosted runner, in shards; comment on GitHub's).
    expect(review.jobs['re-evaluate']?.uses).toBe('./.github/workflows/netchange-pull-request.yaml');
    expect(review.jobs['re-evaluate']?.permissions?.['pull-requests']).toBe('write');
    expect(netchangeCommands(templates.get('netchange-apply.yaml') ?? '')[0]).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      'apply --due --shard ${{ matrix.shard }}/${{ strategy.job-total }}',
    );
  });

  it('runs nothing for a pull request or review against another branch than main (the evidence branch)', () => {
    const pullRequest = parse(templates.get('netchange-pull-request.yaml') ?? '') as {
      on: { pull_request: { branches: string[] } };
    };
    const review = parse(templates.get('netchange-review.yaml') ?? '') as {
      jobs: Record<string, { if?: string }>;
    };

    expect(pullRequest.on.pull_request.branches).toEqual(['main']);
    expect(review.jobs['re-evaluate']?.if).toBe("github.event.pull_request.base.ref == 'main'");
  });

  it('uploads the artifact the report footer names, and every artifact again on a re-run', () => {
    type Job = { steps: { uses?: string; if?: string; with?: { name?: string; overwrite?: boolean } }[] };
    const uploads = [...templates.values()].flatMap((text) =>
      Object.values((parse(text) as { jobs: Record<string, Job> }).jobs).flatMap((job) =>
        (job.steps ?? []).filter((step) => step.uses?.startsWith('actions/upload-artifact@')),
      ),
    );
    const comment = (
      parse(templates.get('netchange-pull-request.yaml') ?? '') as { jobs: Record<string, Job> }
    ).jobs.comment;

    expect(uploads.length).toBeGreaterThanOrEqual(5);
    for (const upload of uploads) expect(upload.with?.overwrite, upload.with?.name).toBe(true);
    expect(comment?.steps.at(-1)).toMatchObject({
      if: 'always()',
      with: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
        name: 'netchange-pr-${{ github.event.pull_request.number }}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
        path: '${{ runner.temp }}/netchange-comment',
      },
    });
  });

  // why: the checkout is the pull request's tree. A symlink committed where a job writes or uploads
  // (`.netchange/pr-run -> ../.git`, or a folder of the runner's) would send the run's files there, or
  // upload the folder it names, .git/config with the job's token included when checkout keeps it.
  it("keeps the pull request's tree from choosing where its jobs write and what they upload", () => {
    type Step = { uses?: string; with?: Record<string, unknown>; run?: string };
    const jobs = (
      parse(templates.get('netchange-pull-request.yaml') ?? '') as { jobs: Record<string, { steps: Step[] }> }
    ).jobs;
    const steps = Object.values(jobs).flatMap((job) => job.steps);
    const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    const artifacts = steps.filter((step) => /^actions\/(upload|download)-artifact@/.test(step.uses ?? ''));
    const commands = netchangeCommands(templates.get('netchange-pull-request.yaml') ?? '');

    expect(checkouts).toHaveLength(3);
    for (const checkout of checkouts) expect(checkout.with?.['persist-credentials']).toBe(false);
    expect(artifacts).toHaveLength(3);
    for (const artifact of artifacts)
      expect(String(artifact.with?.path)).toMatch(/^\$\{\{ runner\.temp \}\}\//);
    for (const command of commands.filter((line) => /^(plan|comment) /.test(line))) {
      expect(command).toMatch(/--out-dir \$\{\{ runner\.temp \}\}\/netchange-[a-z-]+$/);
    }
  });

  it('never lets a scheduled apply cancel a waiting emergency: no concurrency group of theirs is shared', () => {
    const group = (file: string) =>
      (parse(templates.get(file) ?? '') as { concurrency?: { group: string } }).concurrency?.group;

    expect(group('netchange-apply.yaml')).toBe('netchange-apply');
    expect(group('netchange-emergency.yaml')).not.toBe(group('netchange-apply.yaml'));
  });
});

describe('action.yml', () => {
  it('is a composite action that takes the command as an input and never evaluates it in a shell', async () => {
    const action = parse(await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { required?: boolean }>;
      runs: { using: string; steps: { run?: string }[] };
    };

    expect(action.runs.using).toBe('composite');
    expect(action.inputs.command?.required).toBe(true);
    const script = action.runs.steps.map((step) => step.run ?? '').join('\n');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
    expect(script).not.toContain('${{ inputs.command }}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, not a JavaScript template
    expect(script).toContain('"${arguments[@]}"');
  });
});
