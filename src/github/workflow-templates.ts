/**
 * The GitHub Actions workflows a network repository uses (templates/workflows/): pull requests
 * (validate, plan, comment, check), reviews (re-evaluate approvals), a schedule (apply --due) and a
 * manual emergency apply. `netchange init` copies them; examples/plant-network carries the same files.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the workflow templates live in the netchange package. */
export const WORKFLOW_TEMPLATE_DIRECTORY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../templates/workflows',
);

/** File name (e.g. `netchange-pull-request.yaml`) → content, for `.github/workflows/`. */
export async function readWorkflowTemplates(): Promise<Map<string, string>> {
  const names = (await readdir(WORKFLOW_TEMPLATE_DIRECTORY)).filter((name) => name.endsWith('.yaml')).sort();
  const templates = new Map<string, string>();
  for (const name of names)
    templates.set(name, await readFile(path.join(WORKFLOW_TEMPLATE_DIRECTORY, name), 'utf8'));
  return templates;
}
