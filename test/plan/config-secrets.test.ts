/**
 * Plan and apply keep out of everything they print and write the secrets netchange.yaml names in
 * the forms the auditor found leaking: a passphrase with spaces that YAML and `wordwrap` fold across
 * lines (in a diff, in debug messages), and the chat webhook URLs of `notify`, which the apply
 * workflow sets for the whole job, so a playbook can print them during plan or apply.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, labInventory, labProposal } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { formsOf, readTree } from '../support/secrets.js';

/** 63 characters: to_nice_yaml folds it after "velvet" (eight spaces in), wordwrap(20) at three places. */
const PASSPHRASE = 'correct horse battery staple mango pineapple orchard velvet tea';
const SLACK_WEBHOOK = 'https://hooks.slack.com/services/T0PLANT/B0NOC/x9Yq2LmN4pQrS7tUvW1z';
// why: a variable whose name says nothing secret: only notify.teams.webhookEnv makes it one.
const TEAMS_URL = 'https://plant.webhook.office.com/webhookb2/3f1c-plant/IncomingWebhook/9a7e5d/4b2c77';

// why: the change's slot, and an instant inside it for the CLI's clock (faketime): apply runs "now".
const RAISED_AT = '2026-11-20T09:00:00Z';
const DURING_THE_SLOT = '2026-11-29 02:10:00';

const PLAYBOOK = `- hosts: switches
  gather_facts: false
  vars:
    wlan:
      ssid: PLANT-A
      wpa_passphrase: "{{ lookup('ansible.builtin.env', 'SSID_PSK') }}"
  tasks:
    - name: Render the WLAN
      ansible.builtin.copy:
        content: "{{ {'plant_a': {'wlan': wlan}} | to_nice_yaml }}"
        dest: "{{ inventory_dir }}/../state/{{ inventory_hostname }}-wlan.yaml"
        mode: "0600"
    - name: Show the passphrase wrapped
      ansible.builtin.debug:
        msg: "{{ wlan.wpa_passphrase | wordwrap(20) }}"
    - name: Show the WLAN as narrow YAML
      ansible.builtin.debug:
        msg: "{{ wlan | to_nice_yaml(width=40) }}"
    - name: Show where the notices go
      ansible.builtin.debug:
        msg: >-
          slack {{ lookup('ansible.builtin.env', 'NETCHANGE_SLACK_WEBHOOK') }}
          {{ lookup('ansible.builtin.env', 'NETCHANGE_SLACK_WEBHOOK') | b64encode }}
          teams {{ lookup('ansible.builtin.env', 'PLANT_TEAMS_URL') }}
          {{ lookup('ansible.builtin.env', 'PLANT_TEAMS_URL') | b64encode }}
`;

const PROPOSAL = labProposal({
  id: 'CHG-WLAN',
  title: 'Render the plant WLAN',
  schedule: { start: '2026-11-29T02:00:00Z', end: '2026-11-29T03:00:00Z' },
  steps:
    'execution:\n  - ansible: {playbook: playbooks/wlan.yaml, inventory: inventory/hosts.yaml, limit: sw-lab-01}\n',
});

const ENV = {
  SSID_PSK: PASSPHRASE,
  NETCHANGE_SLACK_WEBHOOK: SLACK_WEBHOOK,
  PLANT_TEAMS_URL: TEAMS_URL,
};

let repository: TestRepository;
let plan: CliResult;
let apply: CliResult;
const written: Record<string, string> = {};

beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': `apiVersion: netchange/v1
kind: Config
secrets: {env: [SSID_PSK]}
notify:
  slack: {webhookEnv: NETCHANGE_SLACK_WEBHOOK}
  teams: {webhookEnv: PLANT_TEAMS_URL}
`,
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml': labInventory(),
    'playbooks/wlan.yaml': PLAYBOOK,
    'changes/wlan.yaml': PROPOSAL,
    'state/.gitkeep': '',
    'approvals.yaml': '- {user: eli}\n',
  });
  const raised = { GIT_AUTHOR_DATE: RAISED_AT, GIT_COMMITTER_DATE: RAISED_AT };
  await execa('git', ['add', '-A'], { cwd: repository.root });
  await execa('git', ['commit', '-q', '-m', 'the plant WLAN'], { cwd: repository.root, env: raised });

  const options = { cwd: repository.root, env: ENV, clockAt: DURING_THE_SLOT };
  plan = await runCli(['plan', '--format', 'json', '--out-dir', '.netchange/plan-run'], options);
  apply = await runCli(
    ['apply', 'changes/wlan.yaml', '--approvals', 'approvals.yaml', '--out-dir', '.netchange/apply-run'],
    options,
  );
  await readTree(path.join(repository.root, '.netchange'), written);
  const evidence = await execa('git', ['log', '-p', '--format=%B', 'refs/heads/netchange-evidence'], {
    cwd: repository.root,
  });
  written['evidence branch (every commit and record)'] = evidence.stdout;
}, 240_000);

afterAll(async () => {
  await repository.remove();
});

/** Where `text` is: stdout and stderr of plan and apply, every file under .netchange/, the evidence. */
function placesHolding(text: string): string[] {
  return [
    ['plan stdout', plan.stdout],
    ['plan stderr', plan.stderr],
    ['apply stdout', apply.stdout],
    ['apply stderr', apply.stderr],
    ...Object.entries(written).map(([file, content]) => [path.relative(repository.root, file), content]),
  ]
    .filter(([, content]) => content?.includes(text))
    .map(([place]) => place as string);
}

describe('plan and apply with a folded passphrase and the notify webhooks in the environment', () => {
  it('plans and applies, and the result, the step logs and the evidence are there to be scanned', () => {
    const planned = JSON.parse(plan.stdout);

    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(planned.status).toBe('planned');
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(Object.keys(written).map((file) => path.relative(repository.root, file))).toEqual(
      expect.arrayContaining([
        '.netchange/plan-run/plan.json',
        '.netchange/plan-run/plan.md',
        '.netchange/apply-run/result.json',
        expect.stringMatching(/^\.netchange\/apply-run\/logs\/CHG-WLAN\/apply-execution-1-ansible\.log$/),
      ]),
    );
    expect(written['evidence branch (every commit and record)']).toContain('"kind":"apply"');
  });

  it('still shows reviewers that the passphrase line changes, each of its folded lines marked', () => {
    const planned = JSON.parse(plan.stdout);
    const render = planned.proposals[0].steps[0].ansible.hosts[0].tasks.find(
      (task: { task: string }) => task.task === 'Render the WLAN',
    );

    expect(render.diffs[0].unified).toMatch(/\+\s+wpa_passphrase: \[REDACTED\]\n\+\s+\[REDACTED\]\n/);
  });

  it.each(['horse', 'battery', 'staple', 'mango', 'pineapple', 'orchard', 'velvet'])(
    'never lets the passphrase word %j out, however a tool folded it',
    (word) => {
      expect(placesHolding(word)).toEqual([]);
    },
  );

  it.each(formsOf(PASSPHRASE).map((form) => [JSON.stringify(form), form]))(
    'never lets the passphrase out as %s',
    (_shown, form) => {
      expect(placesHolding(form)).toEqual([]);
    },
  );

  it.each(
    [SLACK_WEBHOOK, TEAMS_URL].flatMap((url) =>
      [...formsOf(url), new URL(url).pathname].map((form) => [JSON.stringify(form), form]),
    ),
  )('never lets a webhook URL out as %s', (_shown, form) => {
    expect(placesHolding(form)).toEqual([]);
  });
});
