/**
 * The sites or domains a window policy's windows are scoped to, read from the policy document as
 * written (the effective one when it extends others), for the commands that warn about a --site or
 * --domain no window names (`windows`, `freeze`). Sorted, each once.
 */
export function windowScopeNames(policy: unknown, key: 'sites' | 'domains'): string[] {
  const windows = (policy as { windows?: unknown } | null | undefined)?.windows;
  const names = new Set<string>();
  for (const window of Array.isArray(windows) ? windows : []) {
    const scoped = (window as { scope?: Record<string, unknown> } | null)?.scope?.[key];
    for (const name of Array.isArray(scoped) ? scoped : []) if (typeof name === 'string') names.add(name);
  }
  return [...names].sort();
}
