import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../documents/parse-yaml.js';
import { compileWindowPolicy } from '../compile.js';

describe('scratch daily form', () => {
  it('compiles and reports at its key', () => {
    const text = (daily: string) =>
      `apiVersion: netchange/v1\nkind: WindowPolicy\ntimezone: America/Chicago\nwindows:\n  - name: a\n    effect: deny\n    schedule:\n      daily: "${daily}"\n      duration: PT1H\n`;
    const good = compileWindowPolicy(parseYaml('p.yaml', text('06:00')), {
      from: new Date(Date.UTC(2026, 0, 1)),
    });
    const bad = compileWindowPolicy(parseYaml('p.yaml', text('25:00')));
    expect(good.findings).toEqual([]);
    expect(good.policy?.windows[0]?.schedule).toBe('daily at 06:00 for 1h');
    expect(good.policy?.windows[0]?.starts).toContain(Date.UTC(2026, 0, 1, 12));
    expect(bad.findings).toMatchObject([{ message: "window 'a': invalid daily '25:00'", line: 8 }]);
  });
});
