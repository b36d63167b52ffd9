/**
 * The domain a proposal declares decides who is accountable, who approves, and which domain-scoped
 * windows and rules apply. The RACI's `paths` say which domain owns a playbook or a Terraform
 * directory, so a step that runs another domain's content under this domain would skip that
 * domain's owners and windows: the proposal's own word would weaken the policy.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import type { Finding } from '../core/findings.js';
import type { ChangeSubject } from '../core/model.js';
import { stepsOf } from '../core/steps.js';
import type { CompiledChangeControlPolicy } from './compile-policy.js';

/** Which domains own a repository path, per policy (compiled once, answers cached per path). */
const owners = new WeakMap<CompiledChangeControlPolicy, (file: string) => string[]>();

/** Errors for each step whose playbook or Terraform directory the RACI gives to other domains only. */
export function checkDomainPaths(policy: CompiledChangeControlPolicy, subject: ChangeSubject): Finding[] {
  const ownersOf = owners.get(policy) ?? compileOwners(policy);
  owners.set(policy, ownersOf);
  const { proposal } = subject;
  const findings: Finding[] = [];
  for (const step of stepsOf(proposal)) {
    const ran = step.ansible ? step.ansible.playbook : step.terraform.dir;
    const owning = ownersOf(path.posix.normalize(ran).replace(/^\.\//, '').replace(/\/$/, ''));
    if (owning.length === 0 || owning.includes(proposal.domain)) continue;
    findings.push({
      ruleId: 'approval',
      policy: 'raci',
      severity: 'error',
      message: `${ran} belongs to ${owning.join(', ')} by the RACI's paths, not to this proposal's domain '${proposal.domain}'`,
      hint: `Declare domain: ${owning[0]}, so its accountable team approves and its windows apply; or split the change per domain (paths in ${policy.file}).`,
      file: subject.file,
      ...subject.locate([
        ...step.path,
        step.ansible ? 'ansible' : 'terraform',
        step.ansible ? 'playbook' : 'dir',
      ]),
    });
  }
  return findings;
}

function compileOwners(policy: CompiledChangeControlPolicy): (file: string) => string[] {
  const domains = [...policy.raci].flatMap(([domain, entry]) =>
    entry.paths?.length ? [{ domain, owns: picomatch(entry.paths.flatMap(globsOf), { dot: true }) }] : [],
  );
  const answers = new Map<string, string[]>();
  return (file) => {
    let answer = answers.get(file);
    if (!answer) {
      answer = domains.filter((domain) => domain.owns(file)).map((domain) => domain.domain);
      answers.set(file, answer);
    }
    return answer;
  };
}

/**
 * A CODEOWNERS pattern as globs: a leading `/` anchors it at the root (as does a `/` inside it); a
 * pattern without `/` matches at any depth; a directory owns everything under it.
 */
function globsOf(pattern: string): string[] {
  const anchored = pattern.replace(/^\/+/, '');
  const trimmed = anchored.replace(/\/+$/, '');
  const glob = pattern.startsWith('/') || trimmed.includes('/') ? trimmed : `**/${trimmed}`;
  return [glob, `${glob}/**`];
}
