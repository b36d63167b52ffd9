import { describe, expect, it } from 'vitest';
import { evaluateCodeReview } from '../../src/control/index.js';
import { executableChanges } from '../../src/pipeline/code-trust.js';
import { compile, compiled, POLICY } from './helpers.js';

const HEAD = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
const OLDER = 'ffffffffffffffffffffffffffffffffffffffff';

describe('evaluateCodeReview', () => {
  it.each([
    ['a policy owner on the head commit', [{ user: 'alice', commit: HEAD }], true],
    ['a policy owner without a commit', [{ user: 'Carol' }], true],
    ['a policy owner on an older commit', [{ user: 'alice', commit: OLDER }], false],
    ['someone outside the code reviewers', [{ user: 'dana', commit: HEAD }], false],
    ['nobody', [], false],
  ])('trusts the code after %s: %s', (_name, approvals, trusted) => {
    const verdict = evaluateCodeReview(compiled(POLICY), { approvals, commit: HEAD });

    expect(verdict.trusted).toBe(trusted);
    expect(verdict.reviewers).toEqual(['netops', 'cab']);
  });

  it('takes codeReviewers instead of the policy owners when given, with GitHub team members', () => {
    const policy = compiled(`${POLICY}codeReviewers: [plant-ops]\n`);

    const byOwner = evaluateCodeReview(policy, { approvals: [{ user: 'alice' }] });
    const byMember = evaluateCodeReview(policy, {
      approvals: [{ user: 'gina' }],
      members: new Map([['plant-ops', ['gina']]]),
    });

    expect(byOwner.trusted).toBe(false);
    expect(byMember).toEqual({ reviewers: ['plant-ops'], approvedBy: ['gina'], trusted: true });
  });
});

describe('executableChanges', () => {
  const options = {
    changesFolders: ['changes'],
    policyFiles: new Set(['netchange.yaml', '.github/CODEOWNERS', 'policies/change-control.yaml']),
    // why: the YAML files under changes/ named here are proposals, except the task list put there.
    isProposal: (file: string) => file !== 'changes/tasks.yaml',
    // why: the Markdown file named here holds Jinja; the others are plain text.
    isTemplateFree: (file: string) => file !== 'docs/banner.md',
  };

  it.each([
    ['changes/chg-1.yaml', false],
    ['changes/nested/chg-2.yml', false],
    ['policies/change-control.yaml', false],
    ['netchange.yaml', false],
    ['.github/CODEOWNERS', false],
    ['docs/runbook.md', false],
    ['docs/banner.md', true],
    ['playbooks/switching/vlans.yaml', true],
    ['roles/vlan/templates/vlan.j2', true],
    ['ansible.cfg', true],
    ['inventory/group_vars/all.yaml', true],
    ['terraform/sdwan/main.tf', true],
    ['changes/helper.sh', true],
    ['changes/tasks.yaml', true],
    ['policies/lookup_plugins/x.py', true],
    ['vault-password.sh', true],
  ])('%s is code: %s', (file, code) => {
    expect(executableChanges([file], options)).toEqual(code ? [file] : []);
  });

  // why: a pull request that moves its changes folder (onto group_vars, say) could fill it with files
  // that read as proposals to netchange and as Ansible variables to Ansible.
  it("counts a proposal as data only under both the base's and the pull request's changes folder", () => {
    const moved = { ...options, changesFolders: ['inventory/group_vars', 'changes'] };

    expect(executableChanges(['inventory/group_vars/all.yaml', 'changes/chg-1.yaml'], moved)).toEqual([
      'changes/chg-1.yaml',
      'inventory/group_vars/all.yaml',
    ]);
  });
});

describe('codeReviewers in the policy', () => {
  it('must name teams of the policy (a policy error at its line)', () => {
    const { findings } = compile(`${POLICY}codeReviewers: [nobody]\n`);

    expect(findings).toContainEqual(
      expect.objectContaining({ severity: 'error', message: expect.stringContaining("'nobody'") }),
    );
  });
});
