/**
 * The `holds:` section of the change-control policy, read into plain settings with positioned
 * findings: matchers that do not parse, a URL that is not one or carries a password written in the
 * policy, an environment variable the URL names but nobody set.
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

/** `holds.silence`: maintenance silences while a change runs. */
export interface SilenceSettings {
  matchers: LabelMatcher[];
  /** How long the silence outlives a successful change, milliseconds. */
  graceMs: number;
}

/** `holds.duringApply`: the hold re-checked between steps. */
export interface DuringApplySettings {
  recheck: boolean;
  onAlert: 'stop' | 'rollback';
}

export interface HoldSettings {
  alertmanager?: AlertmanagerSettings;
  /** Present when silences are configured, enabled and an Alertmanager is named. */
  silence?: SilenceSettings;
  duringApply: DuringApplySettings;
  freezes: boolean;
}

const DEFAULT_GRACE_MS = 5 * 60_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `holds:`; undefined when the policy has none (the stage then judges nothing). */
export function readHoldSettings(
  document: YamlDocument,
  env: Env,
): { settings?: HoldSettings; findings: Finding[] } {
  const holds = (document.value as ChangeControlPolicy | undefined)?.holds;
  if (!holds || typeof holds !== 'object') return { findings: [] };
  const findings: Finding[] = [];
  const settings: HoldSettings = {
    freezes: holds.freezes !== false,
    duringApply: {
      recheck: holds.duringApply?.recheck !== false,
      onAlert: holds.duringApply?.onAlert ?? 'stop',
    },
  };
  // why: one reader for both lists of matchers, so a typo is reported the same way, with its line.
  const readMatchers = (texts: readonly string[], at: readonly string[]): LabelMatcher[] => {
    const matchers: LabelMatcher[] = [];
    texts.forEach((text, index) => {
      const parsed = parseMatcher(text);
      if (parsed.ok) matchers.push(parsed.matcher);
      else {
        const position = document.positionOf([...at, index]);
        findings.push({
          ruleId: 'policy',
          policy: 'holds',
          severity: 'error',
          message: parsed.error.length <= 160 ? parsed.error : `matcher ${index + 1} is not a matcher`,
          detail: parsed.error,
          hint:
            parsed.hint ??
            'Write matchers as Alertmanager does, e.g. severity=~"critical|major" or site="plant-a".',
          file: position.file ?? document.file,
          line: position.line,
          column: position.column,
        });
      }
    });
    return matchers;
  };
  const manager = holds.alertmanager;
  if (manager && typeof manager.url === 'string') {
    const matchers = readMatchers(manager.matchers ?? [], ['holds', 'alertmanager', 'matchers']);
    const url = expandEnvironment(manager.url, env);
    findings.push(...alertmanagerUrlFindings(manager.url, url, document));
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
  const silence = holds.silence;
  if (silence && silence.enabled !== false) {
    const position = document.positionOf(['holds', 'silence']);
    if (!settings.alertmanager) {
      findings.push({
        ruleId: 'policy',
        policy: 'holds',
        severity: 'warning',
        message: 'holds.silence has no Alertmanager to create silences in; no silence will be made',
        hint: 'Add holds.alertmanager with its url, or set holds.silence.enabled: false.',
        file: position.file ?? document.file,
        line: position.line,
        column: position.column,
      });
    }
    const matchers = readMatchers(silence.matchers ?? [], ['holds', 'silence', 'matchers']);
    const graceMs = silence.grace === undefined ? DEFAULT_GRACE_MS : parseElapsedDuration(silence.grace);
    if (graceMs === undefined) {
      const at = document.positionOf(['holds', 'silence', 'grace']);
      findings.push({
        ruleId: 'policy',
        policy: 'holds',
        severity: 'error',
        message: `holds.silence.grace "${silence.grace}" is not an ISO 8601 duration such as PT5M`,
        hint: 'Write an ISO 8601 duration such as PT5M, or PT0S to expire the silence as soon as the change ends.',
        file: at.file ?? document.file,
        line: at.line,
        column: at.column,
      });
    } else if (settings.alertmanager) settings.silence = { matchers, graceMs };
  }
  return { settings, findings };
}

/** `${NAME}`: an environment variable's value in a setting. */
const PLACEHOLDERS = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `holds.alertmanager.url` as the policy reader sees it: an http(s) URL once its variables are
 * replaced, and no password written into it.
 * why: the policy is in git for everyone who reads the repository, so a password there is out
 * already; and a URL found bad only when Alertmanager is asked has no line to point at.
 */
function alertmanagerUrlFindings(
  written: string,
  expanded: string | undefined,
  document: YamlDocument,
): Finding[] {
  const position = document.positionOf(['holds', 'alertmanager', 'url']);
  const finding = (message: string, hint: string): Finding => ({
    ruleId: 'policy',
    policy: 'holds',
    severity: 'error',
    message,
    hint,
    file: position.file ?? document.file,
    line: position.line,
    column: position.column,
  });
  const userInformation = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/.exec(written)?.[1];
  const password = userInformation?.split(':').slice(1).join(':') ?? '';
  if (password.replace(PLACEHOLDERS, '') !== '') {
    return [
      finding(
        'holds.alertmanager.url carries a password written in the policy, which everyone who reads the repository can see',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's environment variable syntax
        'Remove it from the URL and rotate it; give it through holds.alertmanager.auth (passwordEnv names an environment variable) or as ${NAME} from a secret.',
      ),
    ];
  }
  if (expanded === undefined) return [];
  let protocol = '';
  try {
    protocol = new URL(expanded).protocol;
  } catch {
    // reported below
  }
  if (protocol === 'http:' || protocol === 'https:') return [];
  const shown = written.replace(/\/\/[^/?#]*@/, '//');
  return [
    finding(
      `holds.alertmanager.url "${shown}"${expanded === written ? '' : ' (with its variables replaced)'} is not an http(s) URL`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's environment variable syntax
      'Write the base URL of Alertmanager, e.g. http://alertmanager:9093, or ${NAME} to read it from the environment.',
    ),
  ];
}

/** `${NAME}` replaced from the environment; undefined when a named variable is unset or empty. */
export function expandEnvironment(text: string, env: Env): string | undefined {
  let missing = false;
  const expanded = text.replace(PLACEHOLDERS, (_, name: string) => {
    const value = env[name];
    if (!value) missing = true;
    return value ?? '';
  });
  return missing ? undefined : expanded;
}
