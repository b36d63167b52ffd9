import { describe, expect, it } from 'vitest';
import { createProgressReporter } from './progress.js';

function stream(columns = 40): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const fake = { columns, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream: fake, text: () => chunks.join('') };
}

describe('createProgressReporter', () => {
  it('prints one timestamped line per event in CI', () => {
    const output = stream();
    const progress = createProgressReporter({
      stream: output.stream,
      live: false,
      color: false,
      now: () => new Date('2026-11-29T08:00:00Z'),
    });

    progress.started('a', 'CHG-1 plan 1/1 vlans.yaml');
    progress.finished('a', 'CHG-1 plan 1/1 vlans.yaml', 'planned', true, 1500);
    progress.close();

    expect(output.text()).toBe(
      '[08:00:00Z] start  CHG-1 plan 1/1 vlans.yaml\n[08:00:00Z] planned   CHG-1 plan 1/1 vlans.yaml (1.5 s)\n',
    );
  });

  it("shows the time of day in the repository's zone once the run knows it", () => {
    const output = stream();
    const progress = createProgressReporter({
      stream: output.stream,
      live: false,
      color: false,
      now: () => new Date('2026-11-29T08:14:07Z'),
    });

    progress.started('a', 'CHG-1 plan 1/1 vlans.yaml');
    progress.showTimesIn?.('America/Chicago');
    progress.started('b', 'CHG-2 plan 1/1 vlans.yaml');

    expect(output.text()).toBe(
      '[08:14:07Z] start  CHG-1 plan 1/1 vlans.yaml\n[02:14:07 CST (08:14:07Z)] start  CHG-2 plan 1/1 vlans.yaml\n',
    );
  });

  it('keeps a live list of running steps that never wraps the terminal', () => {
    const output = stream(40);
    const progress = createProgressReporter({ stream: output.stream, live: true, color: false });

    progress.started('a', `CHG-1 plan 1/1 ${'very-long-playbook-name/'.repeat(4)}x.yaml`);
    progress.finished('a', 'CHG-1 plan 1/1 x.yaml', 'failed', false, 200);
    progress.close();

    const redraw = new RegExp(`${String.fromCharCode(27)}\\[\\d+A${String.fromCharCode(27)}\\[J`);
    const rows = output
      .text()
      .split('\n')
      .flatMap((row) => row.split(redraw))
      .filter((row) => row !== '');
    expect(rows[0]?.length).toBeLessThanOrEqual(40);
    expect(rows[0]).toContain('…');
    expect(rows).toContain('✗ CHG-1 plan 1/1 x.yaml failed, 0.2 s');
  });
});
