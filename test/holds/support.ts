/** What the hold tests share: repositories committed at a fixed date, and the hold findings of a JSON report. */
import { execa } from 'execa';
import { createRepository, type TestRepository, type Tree } from '../support/repository.js';

// why: apply measures notice from the commit that brought the proposal; a fixed commit date keeps
// the verdicts independent of the day the suite runs.
const COMMITTED = '2026-11-20T10:00:00Z';

/** A real repository with `tree` committed on 20 Nov 2026; added to `created` for removal. */
export async function committedRepository(tree: Tree, created: TestRepository[]): Promise<TestRepository> {
  const repository = await createRepository(tree);
  created.push(repository);
  await execa('git', ['add', '-A'], { cwd: repository.root });
  await execa('git', ['commit', '-q', '-m', 'network'], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: COMMITTED, GIT_COMMITTER_DATE: COMMITTED },
  });
  return repository;
}

export interface HoldFinding {
  severity: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** The `hold` findings of `validate --format json`'s output. */
export function holdFindings(stdout: string): HoldFinding[] {
  const report = JSON.parse(stdout) as { proposals: { findings: (HoldFinding & { ruleId: string })[] }[] };
  return report.proposals.flatMap((proposal) =>
    proposal.findings.filter((finding) => finding.ruleId === 'hold'),
  );
}
