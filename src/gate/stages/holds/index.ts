/**
 * The holds stage (ruleId `hold`): a change waits while the place it touches is on fire (a matching
 * Alertmanager alert fires for one of its sites or devices) or frozen by hand (`netchange freeze`,
 * a `netchange-freeze` issue). A reviewer is warned; apply refuses. Alertmanager and GitHub are
 * asked once per run, in `prepare`; `evaluate` only matches labels. See docs/holds.md.
 */
import type { Finding, Severity } from '../../../core/findings.js';
import { elide, hasErrors, MAX_MESSAGE_LENGTH } from '../../../core/findings.js';
import type { ChangeSubject, ProposalReport } from '../../../core/model.js';
import type { AlertInfo } from '../../../core/ports.js';
import { formatClockTime, formatLocalAndUtc } from '../../../core/time.js';
import type { YamlDocument } from '../../../documents/parse-yaml.js';
import { describeFreezeScope, type Freeze, freezeHolds, targetsOf } from '../../../freezes/model.js';
import type { GateInput, GateStage, PreparedStage } from '../../stage.js';
import { type AlertmanagerSettings, type HoldSettings, readHoldSettings } from './policy.js';
import { type FreezeSourceFailure, listHoldAlerts, loadFreezes } from './sources.js';

declare module '../../../core/findings.js' {
  interface StageRuleIds {
    /** A live hold: a firing alert or a freeze at the change's sites or devices. */
    hold: true;
  }
}

/** What `prepare` learned from the outside world, once per run. */
interface HoldSnapshot {
  settings: HoldSettings;
  alerts: AlertInfo[];
  /** Why the alerts are unknown (Alertmanager unreachable), naming its URL. */
  alertFailure?: string;
  freezes: Freeze[];
  /** The freeze sources that could not be read: GitHub unreachable, a freeze issue that does not parse. */
  freezeFailures: FreezeSourceFailure[];
  /** The file the findings point at (the change-control policy). */
  policyFile: string;
}

export const holdsStage: GateStage = {
  id: 'holds',
  async prepare(input: GateInput): Promise<PreparedStage> {
    const document = input.workspace.changeControlDocument;
    if (!document) return { findings: [] };
    const env = input.env ?? {};
    const written = readHoldSettings(document, env);
    if (!written.settings || hasErrors(written.findings)) return { findings: written.findings };
    const { settings, warning } = await settingsInForce(input, document, written.settings, env);
    const findings = warning ? [...written.findings, warning] : written.findings;
    if (!settings) return { findings };
    const snapshot: HoldSnapshot = {
      settings,
      alerts: [],
      freezes: [],
      freezeFailures: [],
      policyFile: document.file,
    };
    // why: both sources are asked at once; neither may hold up the other.
    await Promise.all([
      settings.alertmanager ? readAlerts(settings.alertmanager, env, snapshot) : undefined,
      settings.freezes ? readFreezes(input, env, snapshot) : undefined,
    ]);
    const apply = input.purpose === 'apply';
    return {
      findings,
      evaluate: (subject) => ({ findings: judge(subject, snapshot, apply, input.at) }),
    };
  },
  checkPolicy({ workspace, env }: GateInput): Finding[] {
    const document = workspace.changeControlDocument;
    return document ? readHoldSettings(document, env ?? {}).findings : [];
  },
  describeRefusal(entry: ProposalReport): string | undefined {
    const holds = entry.findings.filter(
      (finding) => finding.ruleId === 'hold' && finding.severity === 'error',
    );
    if (holds.length === 0) return undefined;
    return `held: ${holds.map((finding) => finding.message).join('; ')}`;
  },
};

/**
 * The holds settings the run acts on: the policy's own, or, while the run's change rewrites `holds:`
 * (a pull request), the policy in force's, with a warning saying so.
 * why: the settings name a server and the environment variables whose values are sent to it; until
 * the change is approved and merged, it must not direct the runner's credentials anywhere.
 */
async function settingsInForce(
  input: GateInput,
  document: YamlDocument,
  written: HoldSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ settings?: HoldSettings; warning?: Finding }> {
  const base = await input.policyInForce?.();
  const holdsOf = (policy: YamlDocument | undefined) =>
    JSON.stringify((policy?.value as { holds?: unknown } | undefined)?.holds ?? null);
  if (!base || holdsOf(base.changeControl) === holdsOf(document)) return { settings: written };
  const position = document.positionOf(['holds']);
  const warning: Finding = {
    ruleId: 'policy',
    policy: 'holds',
    severity: 'warning',
    message:
      'holds: differs from the policy in force on the base; until this change is merged, alerts and freezes are read as the policy in force says',
    hint: 'Alertmanager is asked at the address, and with the credentials, this change names only after a policy owner approved it and it merged. If the base is missing from this clone, fetch it (actions/checkout with fetch-depth: 0).',
    file: position.file ?? document.file,
    line: position.line,
    column: position.column,
  };
  const inForce = base.changeControl ? readHoldSettings(base.changeControl, env) : undefined;
  return inForce?.settings && !hasErrors(inForce.findings)
    ? { settings: inForce.settings, warning }
    : { warning };
}

async function readAlerts(
  manager: AlertmanagerSettings,
  env: Readonly<Record<string, string | undefined>>,
  snapshot: HoldSnapshot,
): Promise<void> {
  const answer = await listHoldAlerts(manager, env, { firingOnly: manager.firingOnly });
  if ('failure' in answer) snapshot.alertFailure = answer.failure;
  else snapshot.alerts = answer.alerts;
}

async function readFreezes(
  input: GateInput,
  env: Readonly<Record<string, string | undefined>>,
  snapshot: HoldSnapshot,
): Promise<void> {
  const answer = await loadFreezes(input.workspace, env);
  snapshot.freezes.push(...answer.freezes);
  snapshot.freezeFailures.push(...answer.failures);
}

/** The hold findings for one proposal. */
function judge(subject: ChangeSubject, snapshot: HoldSnapshot, apply: boolean, at: Date): Finding[] {
  const findings: Finding[] = [];
  const held: Severity = apply ? 'error' : 'warning';
  const base = { ruleId: 'hold' as const, file: subject.file };
  const manager = snapshot.settings.alertmanager;
  const { sites, devices } = targetsOf(subject);

  if (manager?.types.includes(subject.proposal.type)) {
    if (snapshot.alertFailure !== undefined) {
      const refuse = apply && manager.onError === 'hold';
      findings.push({
        ...base,
        policy: 'alertmanager',
        severity: refuse ? 'error' : 'warning',
        message: elide(`live holds unknown: ${snapshot.alertFailure}`, MAX_MESSAGE_LENGTH),
        detail: snapshot.alertFailure,
        hint: refuse
          ? 'holds.alertmanager.onError is hold: apply waits until Alertmanager answers.'
          : 'Check the alerts for this change by hand before it runs.',
      });
    } else {
      const firing = snapshot.alerts.filter((alert) => alertTouches(alert, manager, sites, devices));
      if (firing.length > 0) findings.push({ ...base, ...describeAlerts(firing, manager, subject, held) });
    }
  }
  // why: a freeze source that cannot be read may be freezing this change; at apply it holds unless
  // holds.alertmanager.onError says warn (hold when no Alertmanager is configured).
  const refuseUnread = apply && (manager?.onError ?? 'hold') === 'hold';
  for (const failure of snapshot.freezeFailures) {
    findings.push({
      ...base,
      policy: 'freeze',
      severity: refuseUnread ? 'error' : 'warning',
      message: elide(failure.message, MAX_MESSAGE_LENGTH),
      detail: failure.message,
      hint: failure.hint,
    });
  }
  for (const freeze of snapshot.freezes) {
    if (!freezeHolds(freeze, subject, at)) continue;
    const until = formatLocalAndUtc(Date.parse(freeze.until), subject.timezone);
    findings.push({
      ...base,
      policy: 'freeze',
      severity: held,
      message: elide(
        `${describeFreezeScope(freeze)} frozen by ${freeze.id} until ${until}: ${freeze.reason}`,
        MAX_MESSAGE_LENGTH,
      ),
      detail: [
        `Freeze ${freeze.id} by ${freeze.by}${freeze.createdAt ? ` at ${formatLocalAndUtc(Date.parse(freeze.createdAt), subject.timezone)}` : ''}`,
        `Scope: ${describeFreezeScope(freeze)}${freeze.types ? ` (types ${freeze.types.join(', ')})` : ''}`,
        `Until: ${until}`,
        `Reason: ${freeze.reason}`,
        ...(freeze.url ? [freeze.url] : []),
      ].join('\n'),
      hint: freeze.id.startsWith('#')
        ? `Close issue ${freeze.id} (or run netchange unfreeze ${freeze.id}) to lift it.`
        : `Run netchange unfreeze ${freeze.id} to lift it.`,
    });
  }
  return findings;
}

export function alertTouches(
  alert: AlertInfo,
  manager: AlertmanagerSettings,
  sites: readonly string[],
  devices: readonly string[],
): boolean {
  const site = alert.labels[manager.scope.site];
  const device = alert.labels[manager.scope.device];
  if (site !== undefined && sites.includes(site)) return true;
  // why: Prometheus's `instance` label is often host:port (sw-plant-a-01:9116); the host is the device.
  return device !== undefined && devices.some((name) => device === name || device.startsWith(`${name}:`));
}

export function describeAlerts(
  firing: AlertInfo[],
  manager: AlertmanagerSettings,
  subject: ChangeSubject,
  severity: Severity,
): Omit<Finding, 'ruleId' | 'file'> {
  const sorted = [...firing].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const severities = new Set(sorted.map((alert) => alert.labels.severity));
  const kind = severities.size === 1 && [...severities][0] ? `${[...severities][0]} ` : '';
  const places = [
    ...new Set(
      sorted.map((alert) => alert.labels[manager.scope.site] ?? alert.labels[manager.scope.device] ?? '?'),
    ),
  ].join(', ');
  const first = sorted[0] as AlertInfo;
  const name = (alert: AlertInfo) =>
    [alert.labels.alertname ?? 'alert', alert.labels[manager.scope.device]].filter(Boolean).join(' ');
  const since = (alert: AlertInfo) =>
    Number.isNaN(Date.parse(alert.startsAt))
      ? ''
      : ` since ${formatClockTime(Date.parse(alert.startsAt), subject.timezone)}`;
  const more = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : '';
  const count = `${sorted.length} ${kind}alert${sorted.length === 1 ? '' : 's'}`;
  return {
    policy: 'alertmanager',
    severity,
    message: elide(`${count} firing at ${places}: ${name(first)}${since(first)}${more}`, MAX_MESSAGE_LENGTH),
    detail: sorted
      .map(
        (alert) =>
          `${name(alert)} {${Object.entries(alert.labels)
            .map(([key, value]) => `${key}="${value}"`)
            .join(
              ', ',
            )}}${Number.isNaN(Date.parse(alert.startsAt)) ? '' : ` since ${formatLocalAndUtc(Date.parse(alert.startsAt), subject.timezone)}`}`,
      )
      .join('\n'),
    hint:
      severity === 'error'
        ? 'Apply waits until these alerts resolve; run it again then (apply --due retries on its next tick).'
        : 'Apply will refuse while these alerts fire.',
  };
}
