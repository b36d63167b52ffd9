/**
 * The lab tour's GitHub step (npm run lab): runs `netchange drift --github` against the local GitHub
 * stand-in (the same one the tests use, which checks every request against GitHub's OpenAPI
 * description), then prints the drift issue it opened, as the team logging in at 8 AM sees it.
 * No GitHub account needed. Usage: tsx scripts/lab-tour-issue.ts <repository directory>
 */
import path from 'node:path';
import { execa } from 'execa';
import { startGitHubStandIn } from '../test/support/github-stand-in/index.js';

const REPOSITORY = 'acme/lab-network';
const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: tsx scripts/lab-tour-issue.ts <repository directory>\n');
  process.exit(2);
}
const cli = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const standIn = await startGitHubStandIn();
try {
  standIn.createRepository(REPOSITORY);
  const run = await execa('node', [cli, 'drift', '--repo', directory, '--github'], {
    env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: REPOSITORY },
    reject: false,
    stdout: 'ignore',
    stderr: 'pipe',
  });
  process.stdout.write(
    `$ netchange drift --github   (exit ${run.exitCode}; ${standIn.requests.length} requests to the stand-in)\n`,
  );
  process.stdout.write(
    `${String(run.stderr)
      .split('\n')
      .filter((line) => /issue|drift:/.test(line))
      .join('\n')}\n\n`,
  );
  for (const issue of standIn.repository(REPOSITORY).issues.values()) {
    process.stdout.write(
      `#${issue.number} ${issue.title}   [${issue.labels.join(', ')}]\n\n${issue.body}\n\n`,
    );
  }
  if (standIn.violations.length > 0) {
    process.stderr.write(`requests GitHub does not describe: ${standIn.violations.join('; ')}\n`);
    process.exitCode = 1;
  } else if (run.exitCode !== 0 && run.exitCode !== 1) {
    process.stderr.write(String(run.stderr));
    process.exitCode = run.exitCode ?? 1;
  }
} finally {
  await standIn.close();
}
