import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MARKER, MARKER_TASK } from '../support/code-marker.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, EXAMPLE_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';
const PLAYBOOK = 'playbooks/switching/vlans.yaml';
const AT = '2026-11-23T15:00:00Z';

/**
 * The example with one proposal as the base (main), with `base` files added, and a head commit on top
 * made by `change`.
 */
async function pullRequest(
  change: (repository: TestRepository) => Promise<void>,
  base: Record<string, string> = {},
): Promise<{
  repository: TestRepository;
  head: string;
}> {
  const repository = await createRepository({}, { fromExample: true });
  for (const file of await readdir(path.join(repository.root, 'changes'))) {
    if (!PROPOSAL.endsWith(file)) await rm(path.join(repository.root, 'changes', file));
  }
  await repository.write(base);
  await repository.commit('base');
  await repository.git.checkout(['-b', 'pull-request']);
  await change(repository);
  const head = await repository.commit('the pull request');
  return { repository, head };
}

/** Changes the proposal (so `--since` selects it) and the playbook it runs. */
async function changePlaybook(repository: TestRepository): Promise<void> {
  await changeProposalOnly(repository);
  const playbook = await readFile(path.join(repository.root, PLAYBOOK), 'utf8');
  await repository.write({ [PLAYBOOK]: `${playbook}${MARKER_TASK}` });
}

async function changeProposalOnly(repository: TestRepository): Promise<void> {
  const proposal = await readFile(path.join(repository.root, PROPOSAL), 'utf8');
  await repository.write({ [PROPOSAL]: proposal.replace('vlan_name: PACKAGING-L3', 'vlan_name: PACK-L3') });
}

/** Plan of the pull request holds `file` as code nobody reviewed, and runs none of it. */
async function expectHeld(repository: TestRepository, file: string): Promise<void> {
  const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain(`code changes in ${file} need a review before they run`);
  expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
}

const cleanups: TestRepository[] = [];
afterEach(async () => {
  for (const repository of cleanups.splice(0)) await repository.remove();
});

describe("plan runs a pull request's changed code only once a code reviewer approved it", () => {
  it('holds a playbook change without approvals: exit 1, nothing runs, the files are listed', async () => {
    const { repository } = await pullRequest(changePlaybook);
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
    expect(result.stdout).toContain(`code changes in ${PLAYBOOK} need a review before they run`);
    expect(result.stdout).toContain(`  ${PLAYBOOK}\n`);
    expect(result.stdout).toContain('When a member of netops, cab approves');
  });

  it('records the hold as the status, "held", in --format json and plan.json: nothing was planned', async () => {
    const { repository } = await pullRequest(changePlaybook);
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main', '--format', 'json', '--out-dir', 'out'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    const printed = JSON.parse(result.stdout);
    const written = JSON.parse(await readFile(path.join(repository.root, 'out/plan.json'), 'utf8'));
    for (const plan of [printed, written]) {
      expect(plan).toMatchObject({ status: 'held', proposals: [], held: { files: [PLAYBOOK] } });
    }
  });

  it('holds it too when the approval is by someone the policy does not trust with code', async () => {
    const { repository, head } = await pullRequest(changePlaybook);
    cleanups.push(repository);
    await repository.write({ 'approvals.yaml': `- {user: dana, commit: ${head}}\n` });

    const result = await runCli(['plan', '--since', 'main', '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('does not trust a pull request that names its own code reviewers', async () => {
    const { repository, head } = await pullRequest(async (pr) => {
      await changePlaybook(pr);
      const policy = await readFile(path.join(pr.root, 'policies/change-control.yaml'), 'utf8');
      await pr.write({
        'policies/change-control.yaml': policy.replace(
          'policyOwners: [netops, cab]',
          'policyOwners: [netops, cab]\ncodeReviewers: [partner-noc]',
        ),
      });
    });
    cleanups.push(repository);
    await repository.write({ 'approvals.yaml': `- {user: eli, commit: ${head}}\n` });

    const result = await runCli(['plan', '--since', 'main', '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('runs the changed code once a code reviewer approved the head commit', async () => {
    const { repository, head } = await pullRequest(changePlaybook);
    cleanups.push(repository);
    await repository.write({ 'approvals.yaml': `- {user: alice, commit: ${head}}\n` });

    const result = await runCli(['plan', '--since', 'main', '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.stderr).not.toContain('need a review');
    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(true);
    expect(result.stdout).toContain('+ name PACK-L3');
  });

  it('does not count an approval of an older commit', async () => {
    const { repository } = await pullRequest(changePlaybook);
    cleanups.push(repository);
    const base = (await repository.git.revparse(['main'])).trim();
    await repository.write({ 'approvals.yaml': `- {user: alice, commit: ${base}}\n` });

    const result = await runCli(['plan', '--since', 'main', '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('refuses an approvals file the pull request itself edits (exit 2): it cannot approve its own code', async () => {
    const { repository } = await pullRequest(
      async (pr) => {
        await changePlaybook(pr);
        await pr.write({ 'approvals.yaml': '- {user: frank}\n- {user: alice}\n' });
      },
      { 'approvals.yaml': '- {user: frank}\n' },
    );
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main', '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      '--approvals approvals.yaml is changed by the changes under review (modified between main and HEAD); approvals must come from outside them',
    );
    expect(result.stderr).toContain('Keep the approvals file outside the repository');
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it("holds a pull request that points netchange.yaml's executors at another program", async () => {
    // why: a program outside the repository (as a runner's own tools are) that leaves a marker when
    // it runs; the pull request changes no code file, only which program netchange.yaml names.
    const tools = await mkdtemp(path.join(os.tmpdir(), 'netchange-program-'));
    const program = path.join(tools, 'ansible-playbook');
    await writeFile(program, `#!/bin/sh\ntouch '${path.join(tools, MARKER)}'\nexec ansible-playbook "$@"\n`, {
      mode: 0o755,
    });
    const { repository } = await pullRequest(async (pr) => {
      await changeProposalOnly(pr);
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      await pr.write({ 'netchange.yaml': `${config}executors:\n  ansiblePlaybook: ${program}\n` });
    });
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });
    const ran = existsSync(path.join(tools, MARKER));
    await rm(tools, { recursive: true, force: true });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('code changes in netchange.yaml need a review before they run');
    expect(ran).toBe(false);
  });

  // why: Ansible loads every file in group_vars/all as variables, so what one step's run wrote there
  // would be the next step's variables.
  it("holds a pull request that moves plan's run folder into a folder Ansible reads", async () => {
    const { repository } = await pullRequest(async (pr) => {
      await changeProposalOnly(pr);
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      await pr.write({ 'netchange.yaml': `${config}paths:\n  runs: inventory/group_vars/all\n` });
    });
    cleanups.push(repository);

    await expectHeld(repository, 'netchange.yaml');
  });

  it('holds a pull request that moves the changes folder onto the playbooks', async () => {
    const { repository } = await pullRequest(async (pr) => {
      await changePlaybook(pr);
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      await pr.write({
        'playbooks/switching/chg-moved.yaml': proposal.replace('CHG-2026-0142', 'CHG-2026-0999'),
        'netchange.yaml': `${config}paths:\n  changes: playbooks/switching\n`,
      });
    });
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`  ${PLAYBOOK}\n`);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('holds a playbook put under the changes folder', async () => {
    const { repository } = await pullRequest(async (pr) => {
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      await pr.write({
        'changes/site.yaml': `- hosts: sw-plant-a-01\n  gather_facts: false\n  tasks:${MARKER_TASK}`,
        [PROPOSAL]: proposal.replaceAll(PLAYBOOK, 'changes/site.yaml'),
      });
    });
    cleanups.push(repository);

    await expectHeld(repository, 'changes/site.yaml');
  });

  // why: the task names the marker by its absolute path, with no Jinja: the file holds no template
  // syntax, so only where it is named can tell netchange it is code.
  it.each(['playbooks/switching/notes.md', 'docs/CODEOWNERS'])(
    'refuses a step that names data as its playbook (%s): it would run unreviewed',
    async (file) => {
      const { repository } = await pullRequest(async (pr) => {
        const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
        const task = `\n    - ansible.builtin.file: {path: ${path.join(pr.root, MARKER)}, state: touch, mode: "0644"}\n      check_mode: false\n`;
        await pr.write({
          [file]: `- hosts: sw-plant-a-01\n  gather_facts: false\n  tasks:${task}`,
          [PROPOSAL]: proposal.replaceAll(PLAYBOOK, file),
        });
      });
      cleanups.push(repository);

      const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

      expect(result.exitCode).toBe(1);
      expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
      expect(result.stderr).toContain(`'${file}' is data netchange reads`);
    },
  );

  it("holds a file that only the pull request's netchange.yaml names as a policy", async () => {
    const playbook = 'playbooks/switching/vlans-v2.yaml';
    const { repository } = await pullRequest(async (pr) => {
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      await pr.write({
        [playbook]: `- hosts: sw-plant-a-01\n  gather_facts: false\n  tasks:${MARKER_TASK}`,
        [PROPOSAL]: proposal.replaceAll(PLAYBOOK, playbook),
        'netchange.yaml': config.replace('drift:\n', `drift:\n  policy: ${playbook}\n`),
      });
    });
    cleanups.push(repository);

    await expectHeld(repository, playbook);
  });

  // why: one file that is a proposal to netchange (a flow mapping with a multi-line string) and an
  // INI inventory to Ansible (whose YAML reading fails on the range `a[1:`, so it falls back to INI).
  it('refuses a step that names a file of the changes folder: a proposal can also be an inventory', async () => {
    const file = 'changes/chg-0999-vlan41.yaml';
    const { repository } = await pullRequest(async (pr) => {
      const run = `lookup("pipe", "touch ${path.join(pr.root, MARKER)}")`;
      await pr.write({
        [file]: [
          `{"apiVersion":"netchange/v1","kind":"ChangeProposal","id":"CHG-2026-0999","title":Add_VLAN'41,"description":'a`,
          '[switches]',
          `sw-plant-a-01 site=plant-a ansible_connection=local ansible_python_interpreter="{{ ${run} }}"`,
          `#',"requester":{"team":"partner-noc","github":"dana"},"type":"normal","domain":"switching","risk":"medium","targets":{"sites":["plant-a"],"devices":["sw-plant-a-01"],"tags":["production"]},"schedule":{"start":"2026-11-29T03:30","end":"2026-11-29T04:00","timezone":"America/Chicago","rollback":"PT30M"},"execution":[{"name":"Add VLAN 41","ansible":{"playbook":"${PLAYBOOK}","inventory":"${file}","limit":"sw-plant-a-01","extraVars":{"vlan_id":41}}}],"rollback":{"description":"Remove VLAN 41","ansible":{"playbook":"${PLAYBOOK}","inventory":"inventory/hosts.yaml","limit":"sw-plant-a-01","extraVars":{"vlan_id":41,"state":"absent"}}},"references":{"ticket":"RITM1","hosts":"a[1:"}}`,
          '',
        ].join('\n'),
      });
    });
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
    expect(result.stderr).toContain(`'${file}' is data netchange reads (a file in the changes folder`);
  });

  // why: U+2028 breaks lines for PyYAML (YAML 1.1), not for netchange (YAML 1.2): to Ansible the
  // file is a play, to netchange a comment and a proposal that names the file as its playbook.
  it('refuses a proposal that YAML 1.1 would read as a play', async () => {
    const file = 'changes/chg-0998-port.yaml';
    const { repository } = await pullRequest(async (pr) => {
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      const play = [
        '#',
        '- hosts: sw-plant-a-01',
        '  gather_facts: false',
        '  tasks:',
        `    - debug: {msg: "{{ lookup('pipe', 'touch ${path.join(pr.root, MARKER)}') }}"}`,
        '  vars:',
        '    junk: |',
      ].join('\u2028');
      const body = proposal
        .replace('CHG-2026-0142', 'CHG-2026-0998')
        .replace(`playbook: ${PLAYBOOK}`, `playbook: ${file}`)
        .split('\n')
        .map((line) => (line === '' ? line : `      ${line}`))
        .join('\n');
      await pr.write({ [file]: `${play}\n${body}` });
    });
    cleanups.push(repository);

    // why: the file is no proposal to netchange any more, so it is code; validate says why.
    await expectHeld(repository, file);
    const validate = await runCli(['validate', file], { cwd: repository.root });
    expect(validate.stdout).toContain('U+2028 is a line break to YAML 1.1');
  });

  it('holds a file the pull request moves its changes folder onto (group_vars it could fill)', async () => {
    const vars = 'inventory/group_vars/all.yaml';
    const { repository } = await pullRequest(async (pr) => {
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      const interpreter = `ansible_python_interpreter: "{{ lookup('pipe', 'touch ${path.join(pr.root, MARKER)}') }}"`;
      const body = proposal
        .replace('CHG-2026-0142', 'CHG-2026-0997')
        .split('\n')
        .map((line) => (line === '' ? line : `  ${line}`))
        .join('\n');
      await pr.write({
        [vars]: `#\u2028${interpreter}\u2028junk: |\n${body}`,
        'netchange.yaml': `${config}paths:\n  changes: inventory/group_vars\n`,
      });
    });
    cleanups.push(repository);

    await expectHeld(repository, vars);
  });

  it('holds a base policy file that the pull request stops naming as a policy', async () => {
    const policy = 'policies/drift.yaml';
    const { repository } = await pullRequest(async (pr) => {
      const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
      const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
      const run = `lookup('pipe', 'touch ${path.join(pr.root, MARKER)}')`;
      await pr.write({
        'netchange.yaml': config.replace('drift:\n', 'drift:\n  policy: policies/windows.yaml\n'),
        [policy]: `[switches]\nsw-plant-a-01 site=plant-a ansible_connection=local ansible_python_interpreter="{{ ${run} }}"\n`,
        [PROPOSAL]: proposal
          .replace('vlan_name: PACKAGING-L3', 'vlan_name: PACK-L3')
          .replaceAll('inventory: inventory/hosts.yaml', `inventory: ${policy}`),
      });
    });
    cleanups.push(repository);

    await expectHeld(repository, policy);
  });

  it('holds Markdown with template syntax: a trusted playbook that renders it would run it', async () => {
    const banner = `- hosts: sw-plant-a-01\n  gather_facts: false\n  tasks:\n    - ansible.builtin.template:\n        src: "{{ playbook_dir }}/../../docs/banner.md"\n        dest: "{{ inventory_dir }}/../state/banner.txt"\n        mode: "0644"\n`;
    const { repository } = await pullRequest(
      async (pr) => {
        await changeProposalOnly(pr);
        await pr.write({
          'docs/banner.md': `Welcome {{ lookup('ansible.builtin.pipe', 'touch ${path.join(pr.root, MARKER)}') }}\n`,
        });
      },
      { 'docs/banner.md': 'Welcome\n', 'playbooks/switching/banner.yaml': banner },
    );
    cleanups.push(repository);

    await expectHeld(repository, 'docs/banner.md');
  });

  it("redacts the base's secret names too: a pull request that drops one from secrets.env shows nothing", async () => {
    const key = 'Banner-Key-0f-The-Base-7731';
    // why: the base's own playbook puts the secret in a variable whose name does not look secret, so
    // only secrets.env names it.
    const banner = `- hosts: switches\n  gather_facts: false\n  vars:\n    banner_text: "{{ lookup('ansible.builtin.env', 'NC_BANNER_KEY') }}"\n  tasks:\n    - ansible.builtin.copy:\n        dest: "{{ inventory_dir }}/../state/{{ inventory_hostname }}-banner.cfg"\n        content: "banner {{ banner_text }}\\n"\n        mode: "0644"\n`;
    const example = await readFile(path.join(EXAMPLE_ROOT, 'netchange.yaml'), 'utf8');
    const { repository } = await pullRequest(
      async (pr) => {
        const proposal = await readFile(path.join(pr.root, PROPOSAL), 'utf8');
        const config = await readFile(path.join(pr.root, 'netchange.yaml'), 'utf8');
        await pr.write({
          [PROPOSAL]: proposal.replaceAll(PLAYBOOK, 'playbooks/switching/banner.yaml'),
          'netchange.yaml': config.replace('env: [NC_BANNER_KEY, ', 'env: ['),
        });
      },
      {
        'playbooks/switching/banner.yaml': banner,
        'netchange.yaml': example.replace('env: [', 'env: [NC_BANNER_KEY, '),
      },
    );
    const headConfig = await readFile(path.join(repository.root, 'netchange.yaml'), 'utf8');
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main', '--out-dir', 'run'], {
      cwd: repository.root,
      env: { NC_BANNER_KEY: key },
    });
    const written = await readFile(path.join(repository.root, 'run/plan.md'), 'utf8');

    expect(headConfig).not.toContain('NC_BANNER_KEY');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+banner ');
    expect(`${result.stdout}${result.stderr}${written}`).not.toContain(key);
  });

  it('plans a proposal-only pull request at once', async () => {
    const { repository } = await pullRequest(changeProposalOnly);
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+ name PACK-L3');
  });

  it("runs the operator's own tree as it is without --since", async () => {
    const { repository } = await pullRequest(changePlaybook);
    cleanups.push(repository);

    const result = await runCli(['plan', PROPOSAL], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(true);
  });
});

describe('plan --github on a pull request that changes code', () => {
  const REPOSITORY = 'acme/plant-network';
  const TOKEN = 'ghs_plantedTokenForTheTrustTest0123456789';
  let standIn: GitHubStandIn;
  let repository: TestRepository;
  let head: string;

  beforeAll(async () => {
    standIn = await startGitHubStandIn({ token: TOKEN });
    standIn.createRepository(REPOSITORY);
    standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
    ({ repository, head } = await pullRequest(changePlaybook));
  });
  afterAll(async () => {
    await standIn.close();
    await repository.remove();
  });

  const env = () => ({ GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY });

  it('asks for a code review in the check run and the comment, and runs nothing', async () => {
    standIn.createPullRequest(REPOSITORY, { number: 9, headSha: head, author: 'dana' });

    const result = await runCli(['plan', '--github', '--pr', '9', '--at', AT], {
      cwd: repository.root,
      env: env(),
    });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
    const comments = standIn.comments(REPOSITORY, 9);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`Code changes in ${PLAYBOOK} need a review before they run`);
    expect(comments[0]?.body).toContain(`- \`${PLAYBOOK}\``);
    const run = standIn.repository(REPOSITORY).checkRuns.at(-1);
    expect(run).toMatchObject({ headSha: head, conclusion: 'action_required' });
    expect(run?.title).toContain(`code changes in ${PLAYBOOK} need a review before they run`);
    expect(run?.summary).toContain(PLAYBOOK);
  });

  it('plans once a code reviewer approved the head commit on GitHub', async () => {
    standIn.addReview(REPOSITORY, 9, { user: 'bob', state: 'APPROVED', commitId: head });

    const result = await runCli(['plan', '--github', '--pr', '9', '--at', AT], {
      cwd: repository.root,
      env: env(),
    });

    expect(existsSync(path.join(repository.root, MARKER))).toBe(true);
    expect(standIn.comments(REPOSITORY, 9)[0]?.body).toContain('+vlan 40');
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)?.title).not.toContain('need a review');
    expect(result.stderr).not.toContain(TOKEN);
  });

  /**
   * Pull request `number`: a proposal-only head that bob (a code reviewer) approved, checked out as
   * `checkout` makes it. Then plan --github runs there; returns its result and the repository.
   */
  async function planReviewedHead(
    number: number,
    checkout: (repository: TestRepository, head: string) => Promise<void>,
  ) {
    const reviewed = await pullRequest(changeProposalOnly);
    cleanups.push(reviewed.repository);
    standIn.createPullRequest(REPOSITORY, { number, headSha: reviewed.head, author: 'dana' });
    standIn.addReview(REPOSITORY, number, { user: 'bob', state: 'APPROVED', commitId: reviewed.head });
    await checkout(reviewed.repository, reviewed.head);
    const result = await runCli(['plan', '--github', '--pr', String(number), '--at', AT], {
      cwd: reviewed.repository.root,
      env: { ...env(), GITHUB_BASE_REF: 'main' },
    });
    return { result, ...reviewed };
  }

  /** Commits the playbook with the marker task on whatever is checked out. */
  async function commitUnreviewedPlaybook(repository: TestRepository): Promise<string> {
    const playbook = await readFile(path.join(repository.root, PLAYBOOK), 'utf8');
    await repository.write({ [PLAYBOOK]: `${playbook}${MARKER_TASK}` });
    return repository.commit('code nobody reviewed');
  }

  it('refuses a checkout past the reviewed head: a push after the review never runs under its approval', async () => {
    let pushed = '';
    // The branch moved on after the review; a workflow that checks out the branch by name gets this.
    const { result, repository, head } = await planReviewedHead(12, async (checkout) => {
      pushed = await commitUnreviewedPlaybook(checkout);
    });

    expect(existsSync(path.join(repository.root, MARKER)), 'the unreviewed playbook ran').toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `the checkout (HEAD ${pushed.slice(0, 12)}) is not the pull request's head ${head.slice(0, 12)}, which the reviews are for`,
    );
    expect(result.stderr).toContain('hint: Check out the head the event names');
  });

  it("plans GitHub's merge ref of the reviewed head (the head merged into the base)", async () => {
    const { result } = await planReviewedHead(13, async (checkout, head) => {
      await checkout.git.checkout(['--detach', 'main']);
      await checkout.git.merge(['--no-ff', '-m', 'Merge the head into main', head]);
    });

    expect(result.stderr).not.toContain('is not the pull request');
    expect(standIn.comments(REPOSITORY, 13)[0]?.body).toContain('+vlan 40');
  });

  it('refuses a merge of the reviewed head into anything but the base: that brings in unreviewed code', async () => {
    const { result, repository } = await planReviewedHead(14, async (checkout, head) => {
      await checkout.git.checkout(['--detach', 'main']);
      await commitUnreviewedPlaybook(checkout);
      await checkout.git.merge(['--no-ff', '-m', 'Merge the head into it', head]);
    });

    expect(existsSync(path.join(repository.root, MARKER)), 'the unreviewed playbook ran').toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("is not the pull request's head");
  });

  it('never trusts code with a review of an older commit, even where stale approvals count', async () => {
    const example = await readFile(path.join(EXAMPLE_ROOT, 'netchange.yaml'), 'utf8');
    const allowed = `${example}github: {staleApprovals: true}\n`;
    const stale = await pullRequest(changePlaybook, { 'netchange.yaml': allowed });
    cleanups.push(stale.repository);
    const reviewed = (await stale.repository.git.revparse(['main'])).trim();
    standIn.createPullRequest(REPOSITORY, { number: 11, headSha: stale.head, author: 'dana' });
    standIn.addReview(REPOSITORY, 11, { user: 'bob', state: 'APPROVED', commitId: reviewed });

    const result = await runCli(['plan', '--github', '--pr', '11', '--at', AT], {
      cwd: stale.repository.root,
      env: { ...env(), GITHUB_BASE_REF: 'main' },
    });

    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(stale.repository.root, MARKER))).toBe(false);
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)?.title).toContain('need a review');
  });
});

describe('what a pull request changes, as git has it', () => {
  it('holds code outside the network repository when it is a folder of a larger work tree', async () => {
    // why: a playbook may import tasks from past the netchange root (a monorepo's shared folder).
    const repository = await createRepository({
      'shared/tasks/common.yaml': '- ansible.builtin.debug: {msg: shared}\n',
    });
    cleanups.push(repository);
    const network = path.join(repository.root, 'network');
    await cp(EXAMPLE_ROOT, network, {
      recursive: true,
      filter: (source) =>
        !/[/\\](state|\.terraform|\.netchange)([/\\]|$)/.test(source) &&
        !source.endsWith('.tfstate') &&
        !(
          path.dirname(source) === path.join(EXAMPLE_ROOT, 'changes') &&
          !PROPOSAL.endsWith(path.basename(source))
        ),
    });
    const playbook = path.join(network, PLAYBOOK);
    await writeFile(
      playbook,
      `${await readFile(playbook, 'utf8')}    - ansible.builtin.import_tasks: ../../../shared/tasks/common.yaml\n`,
    );
    await repository.commit('base');
    await repository.git.checkout(['-b', 'pull-request']);
    const proposal = await readFile(path.join(network, PROPOSAL), 'utf8');
    await repository.write({
      [`network/${PROPOSAL}`]: proposal.replace('vlan_name: PACKAGING-L3', 'vlan_name: PACK-L3'),
      'shared/tasks/common.yaml': MARKER_TASK.replace(/^ {4}/gm, '').trimStart(),
    });
    await repository.commit('the pull request');

    const result = await runCli(['plan', '--since', 'main'], { cwd: network });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'code changes in ../shared/tasks/common.yaml need a review before they run',
    );
    expect(existsSync(path.join(network, MARKER))).toBe(false);
  });

  it("holds a submodule's new commit even when .gitmodules tells git to ignore it", async () => {
    const gitmodules =
      '[submodule "roles-shared"]\n\tpath = roles-shared\n\turl = ../roles-shared\n\tignore = all\n';
    const pinned = async (repository: TestRepository, commit: string) => {
      await mkdir(path.join(repository.root, 'roles-shared'), { recursive: true });
      await repository.git.raw(['update-index', '--add', '--cacheinfo', `160000,${commit},roles-shared`]);
    };
    const repository = await createRepository({ '.gitmodules': gitmodules }, { fromExample: true });
    cleanups.push(repository);
    for (const file of await readdir(path.join(repository.root, 'changes'))) {
      if (!PROPOSAL.endsWith(file)) await rm(path.join(repository.root, 'changes', file));
    }
    await pinned(repository, 'a'.repeat(40));
    await repository.commit('base');
    await repository.git.checkout(['-b', 'pull-request']);
    await changeProposalOnly(repository);
    await pinned(repository, 'b'.repeat(40));
    await repository.commit('the pull request');

    await expectHeld(repository, 'roles-shared');
  });

  it('holds a Markdown file whose name is not UTF-8: it cannot be read back by the name git gives', async () => {
    const { repository } = await pullRequest(async (pr) => {
      await changeProposalOnly(pr);
      const name = Buffer.concat([
        Buffer.from(path.join(pr.root, 'docs', 'n')),
        Buffer.from([0xe9]),
        Buffer.from('.md'),
      ]);
      await mkdir(path.join(pr.root, 'docs'), { recursive: true });
      await writeFile(name, "{{ lookup('ansible.builtin.pipe', 'id') }}\n");
    });
    cleanups.push(repository);

    const result = await runCli(['plan', '--since', 'main'], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/code changes in docs\/n\uFFFD\.md need a review before they run/);
  });

  it('holds a Markdown file that is a symbolic link: what it leads to is not in the diff', async () => {
    const { repository } = await pullRequest(async (pr) => {
      await changeProposalOnly(pr);
      await pr.write({ 'docs/environment.md': { symlink: '/proc/self/environ' } });
    });
    cleanups.push(repository);

    await expectHeld(repository, 'docs/environment.md');
  });
});
