/**
 * The `holds:` section of the change-control policy, read into plain settings with positioned
 * findings: matchers that do not parse, an environment variable the URL names but nobody set.
 */

import { parseMatcher } from '../../../alertmanager/matchers.js';
import type { Finding } from '../../../core/findings.js';
import type { LabelMatcher } from '../../../core/ports.js';
import type { ChangeControlPolicy } from '../../../core/schema-types.generated.js';
import { parseElapsedDuration } from '../../../core/time.js';
import type { YamlDocument } from '../../../documents/parse-yaml.js';
import type { HoldableType } from '../../../freezes/model.js';

export interface AlertmanagerSettings {
  /** The URL with `${NAME}` replaced; undefined when a named variable is not set. */
  url?: string;
  /** The URL as written (for messages when the variable is missing). */
  urlAsWritten: string;
  matchers: LabelMatcher[];
  /** Written matchers, for messages. */
  matcherTexts: string[];
  scope: { site: string; device: string };
  firingOnly: boolean;
  onError: 'hold' | 'warn';
  types: HoldableType[];
  /** Environment variable names; values are read when the client is made and redacted. */
  auth: { bearerTokenEnv?: string; usernameEnv?: string; passwordEnv?: string };
  timeoutMs: number;
  retries: number;
}

export interface HoldSettings {
  alertmanager?: AlertmanagerSettings;
  freezes: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `holds:`; undefined when the policy has none (the stage then judges nothing). */
export function readHoldSettings(
  document: YamlDocument,
  env: Env,
): { settings?: HoldSettings; findings: Finding[] } {
  const holds = (document.value as ChangeControlPolicy | undefined)?.holds;
  if (!holds || typeof holds !== 'object') return { findings: [] };
  const findings: Finding[] = [];
  const settings: HoldSettings = { freezes: holds.freezes !== false };
  const manager = holds.alertmanager;
  if (manager && typeof manager.url === 'string') {
    const matchers: LabelMatcher[] = [];
    (manager.matchers ?? []).forEach((text, index) => {
      const parsed = parseMatcher(text);
      if (parsed.ok) matchers.push(parsed.matcher);
      else {
        const at = document.positionOf(['holds', 'alertmanager', 'matchers', index]);
        findings.push({
          ruleId: 'policy',
          policy: 'holds',
          severity: 'error',
          message: parsed.error.length <= 160 ? parsed.error : `matcher ${index + 1} is not a matcher`,
          detail: parsed.error,
          hint: 'Write matchers as Alertmanager does, e.g. severity=~"critical|major" or site="plant-a".',
          file: document.file,
          line: at.line,
          column: at.column,
        });
      }
    });
    const url = expandEnvironment(manager.url, env);
    settings.alertmanager = {
      ...(url !== undefined ? { url } : {}),
      urlAsWritten: manager.url,
      matchers,
      matcherTexts: [...(manager.matchers ?? [])],
      scope: { site: manager.scope?.site ?? 'site', device: manager.scope?.device ?? 'instance' },
      firingOnly: manager.firingOnly !== false,
      onError: manager.onError ?? 'hold',
      types: [...(manager.types ?? ['standard', 'normal'])],
      auth: { ...(manager.auth ?? {}) },
      timeoutMs: (manager.timeout ? parseElapsedDuration(manager.timeout) : undefined) ?? 5000,
      retries: manager.retries ?? 2,
    };
  }
  return { settings, findings };
}

/** `${NAME}` replaced from the environment; undefined when a named variable is unset or empty. */
export function expandEnvironment(text: string, env: Env): string | undefined {
  let missing = false;
  const expanded = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (!value) missing = true;
    return value ?? '';
  });
  return missing ? undefined : expanded;
}
