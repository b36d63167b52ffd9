/**
 * `npm run bench`: runs every bench/*.bench.ts in turn and prints each figure with its budget.
 * Exits 1 when a figure is over budget, so a regression is visible in CI logs.
 * `npm run bench -- windows` runs only the bench files whose name contains "windows".
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchFigure } from './harness.js';

const filter = process.argv[2];
const directory = import.meta.dirname;
const files = (await readdir(directory))
  .filter((name) => name.endsWith('.bench.ts') && (!filter || name.includes(filter)))
  .sort();
const rows: BenchFigure[] = [];
// why: every ratio and wall time depends on how many cores the runs shared; print it with the figures,
// on every figure's own line too, so a line quoted alone still says it.
const cores = os.availableParallelism();
process.stdout.write(`cores: ${cores} (${os.cpus()[0]?.model ?? 'unknown CPU'})\n`);
for (const file of files) {
  process.stderr.write(`bench: ${file}...\n`);
  const module = (await import(pathToFileURL(path.join(directory, file)).href)) as {
    default: () => Promise<BenchFigure[]>;
  };
  const figures = await module.default();
  for (const figure of figures) {
    rows.push(figure);
    process.stdout.write(`${formatRow(figure)}\n`);
  }
}
const over = rows.filter((figure) => figure.value > figure.budget);
process.stdout.write(`\n${rows.length - over.length} within budget, ${over.length} over budget\n`);
process.exitCode = over.length > 0 ? 1 : 0;

function formatRow(figure: BenchFigure): string {
  const value = figure.unit === 'ratio' ? figure.value.toFixed(2) : Math.round(figure.value * 10) / 10;
  const status = figure.value <= figure.budget ? 'ok  ' : 'OVER';
  const comparison = figure.comparison ? `  (${figure.comparison})` : '';
  return `${status} ${figure.name}: ${value} ${figure.unit} (budget ${figure.budget} ${figure.unit})${comparison}  [${cores} cores]`;
}
