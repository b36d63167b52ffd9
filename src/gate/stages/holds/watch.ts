/**
 * Live holds while an apply runs (docs/holds.md, "During apply"):
 * - at the start, a maintenance silence for the alerts the change is expected to cause, at its
 *   devices (or sites), for its occupied interval, so the partner's NOC is not paged by planned work;
 * - before every later step, Alertmanager and the freezes asked again: an alert that was not firing
 *   at the start and is not one the change expects (it matches the silence), or a new freeze, stops
 *   the run between steps;
 * - at the end, the silence expired at once on failure (real alerts must show), or after the grace
 *   period on success.
 * A silence that cannot be made or expired is a warning: not paging the NOC is a courtesy, not a gate.
 */
import { formatMatcher, matchesLabels } from '../../../alertmanager/matchers.js';
import type { ChangeSubject } from '../../../core/model.js';
import type { AlertInfo, LabelMatcher } from '../../../core/ports.js';
import { toRfc3339Utc } from '../../../core/time.js';
import { freezeHolds, targetsOf } from '../../../freezes/model.js';
import type { Workspace } from '../../../pipeline/workspace.js';
import type { ApplyWatch, HoldRecord, WatchedAlert, WatchStop } from '../../../runs/apply-watch.js';
import { alertTouches, describeAlerts } from './index.js';
import { type AlertmanagerSettings, type HoldSettings, readHoldSettings } from './policy.js';
import {
  type ConnectedAlertmanager,
  connectAlertmanager,
  describeSourceFailure,
  listHoldAlerts,
  loadFreezes,
} from './sources.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface HoldWatchInput {
  workspace: Workspace;
  subject: ChangeSubject;
  env: Env;
  now: () => Date;
  /** Told about every warning (a silence not made, Alertmanager not answering). */
  warn: (message: string) => void;
  /** Who approved and which pull request, for the silence's comment (asked at the start). */
  describeChange: () => { pullRequest?: number; approvers: string[] };
}

/** The watch for one apply; undefined when the policy has no holds to watch. */
export async function createHoldWatch(input: HoldWatchInput): Promise<ApplyWatch | undefined> {
  const document = input.workspace.changeControlDocument;
  if (!document) return undefined;
  const { settings } = readHoldSettings(document, input.env);
  if (!settings || (!settings.alertmanager && !settings.freezes)) return undefined;
  return new HoldWatch(input, settings);
}

class HoldWatch implements ApplyWatch {
  private readonly state: HoldRecord = { silences: [], alertsBefore: [], alertsAfter: [], warnings: [] };
  private connection?: ConnectedAlertmanager;
  /** Alerts firing when the change started: they do not stop it (the gate already judged them). */
  private readonly seen = new Set<string>();
  /** The silence's matchers: the alerts the change expects, which never stop it. */
  private expected?: LabelMatcher[];
  private readonly targets: { sites: string[]; devices: string[] };

  constructor(
    private readonly input: HoldWatchInput,
    private readonly settings: HoldSettings,
  ) {
    this.targets = targetsOf(input.subject);
  }

  private get manager(): AlertmanagerSettings | undefined {
    return this.settings.alertmanager;
  }

  private warn(message: string): void {
    this.state.warnings.push(message);
    this.input.warn(message);
  }

  async start(): Promise<void> {
    const manager = this.manager;
    if (!manager) return;
    const connected = await connectAlertmanager(manager, this.input.env);
    if ('failure' in connected) {
      this.warn(`no maintenance silence and no live re-check: ${connected.failure}`);
      return;
    }
    this.connection = connected;
    this.state.alertmanager = connected.client.origin;
    const before = await this.touchingAlerts();
    if (before) {
      this.state.alertsBefore = before.map(toWatched);
      for (const alert of before) this.seen.add(keyOf(alert));
    }
    if (this.settings.silence) await this.createSilence(manager);
  }

  async beforeStep(): Promise<WatchStop | undefined> {
    if (!this.settings.duringApply.recheck) return undefined;
    const rollback = this.settings.duringApply.onAlert === 'rollback';
    const subject = this.input.subject;
    const manager = this.manager;
    if (manager && this.connection && manager.types.includes(subject.proposal.type)) {
      const alerts = await this.touchingAlerts();
      if (!alerts) {
        if (manager.onError === 'hold')
          return { reason: 'Alertmanager did not answer and holds.alertmanager.onError is hold', rollback };
      } else {
        const ours = new Set(this.state.silences.map((silence) => silence.id));
        const fresh = alerts.filter(
          (alert) =>
            !this.seen.has(keyOf(alert)) &&
            !this.isExpected(alert) &&
            // why: firingOnly ignores alerts someone else silenced or that are inhibited, as the gate does.
            (!manager.firingOnly ||
              (alert.silencedBy.every((id) => ours.has(id)) && alert.inhibitedBy.length === 0)),
        );
        if (fresh.length > 0) {
          const reason = describeAlerts(fresh, manager, subject, 'error').message;
          this.state.stoppedBy = reason;
          return { reason, rollback };
        }
      }
    }
    if (this.settings.freezes) {
      const { freezes } = await loadFreezes(this.input.workspace, this.input.env);
      const at = this.input.now();
      const freeze = freezes.find((candidate) => freezeHolds(candidate, subject, at));
      if (freeze) {
        const reason = `${[...freeze.sites, ...freeze.devices].join(', ')} frozen by ${freeze.id}: ${freeze.reason}`;
        this.state.stoppedBy = reason;
        return { reason, rollback };
      }
    }
    return undefined;
  }

  async finish(succeeded: boolean): Promise<void> {
    if (!this.connection) return;
    const after = await this.touchingAlerts();
    if (after) this.state.alertsAfter = after.map(toWatched);
    const silence = this.state.silences.at(-1);
    const grace = this.settings.silence?.graceMs ?? 0;
    if (!silence) return;
    const now = this.input.now();
    try {
      if (succeeded && grace > 0) {
        // why: a successful change's own alerts may still be clearing; the silence ends after the
        // grace period instead of at the slot's end. Alertmanager may answer with a new id.
        const endsAt = new Date(now.getTime() + grace);
        if (endsAt.getTime() >= Date.parse(silence.endsAt)) return;
        const id = await this.connection.client.createSilence({
          id: silence.id,
          matchers: this.expected ?? [],
          startsAt: new Date(silence.startsAt),
          endsAt,
          createdBy: 'netchange',
          comment: this.comment(),
        });
        if (id === silence.id) silence.endsAt = toRfc3339Utc(endsAt.getTime());
        else
          this.state.silences.push({
            ...silence,
            id,
            endsAt: toRfc3339Utc(endsAt.getTime()),
            replaces: silence.id,
          });
      } else {
        await this.connection.client.expireSilence(silence.id);
        silence.expiredAt = toRfc3339Utc(now.getTime());
      }
    } catch (error) {
      const why = describeSourceFailure(error, this.input.env, this.connection.secrets);
      this.warn(
        `maintenance silence ${silence.id} could not be ${succeeded && grace > 0 ? 'shortened' : 'expired'}: ${why}; expire it by hand (amtool silence expire ${silence.id})`,
      );
    }
  }

  record(): HoldRecord {
    return structuredClone(this.state);
  }

  /** Active alerts matching the hold matchers at the change's sites and devices; undefined on failure. */
  private async touchingAlerts(): Promise<AlertInfo[] | undefined> {
    const manager = this.manager;
    if (!manager || !this.connection) return undefined;
    const answer = await listHoldAlerts(manager, this.input.env, { firingOnly: false }, this.connection);
    if ('failure' in answer) {
      this.warn(`the alerts could not be read: ${answer.failure}`);
      return undefined;
    }
    return answer.alerts.filter((alert) =>
      alertTouches(alert, manager, this.targets.sites, this.targets.devices),
    );
  }

  private isExpected(alert: AlertInfo): boolean {
    if (!this.expected) return false;
    return this.expected.every((matcher) => matchesLabels(matcher, alert.labels));
  }

  private async createSilence(manager: AlertmanagerSettings): Promise<void> {
    const settings = this.settings.silence;
    const connection = this.connection;
    if (!settings || !connection) return;
    const scope = scopeMatcher(manager, this.targets);
    if (!scope) {
      this.warn('no maintenance silence: the change names no devices or sites to scope it to');
      return;
    }
    this.expected = [...settings.matchers, scope];
    const subject = this.input.subject;
    const startsAt = this.input.now();
    const endsAt = new Date(Math.max(subject.endMs + subject.rollbackMs, startsAt.getTime() + 60_000));
    try {
      const id = await connection.client.createSilence({
        matchers: this.expected,
        startsAt,
        endsAt,
        createdBy: 'netchange',
        comment: this.comment(),
      });
      this.state.silences.push({
        id,
        matchers: this.expected.map(formatMatcher),
        startsAt: toRfc3339Utc(startsAt.getTime()),
        endsAt: toRfc3339Utc(endsAt.getTime()),
      });
    } catch (error) {
      this.warn(
        `no maintenance silence (the change goes on; the NOC may be paged by its alerts): ${describeSourceFailure(error, this.input.env, connection.secrets)}`,
      );
    }
  }

  private comment(): string {
    const { pullRequest, approvers } = this.input.describeChange();
    const proposal = this.input.subject.proposal;
    return [
      `netchange: planned change ${proposal.id} (${proposal.title})`,
      pullRequest !== undefined ? `pull request #${pullRequest}` : undefined,
      approvers.length > 0 ? `approved by ${approvers.join(', ')}` : 'no recorded approvers',
    ]
      .filter(Boolean)
      .join('; ');
  }
}

/**
 * The matcher naming the change's devices (`instance=~"(sw-1|sw-2)(:.*)?"`, since Prometheus's
 * instance label is often host:port) or, without devices, its sites.
 */
export function scopeMatcher(
  manager: AlertmanagerSettings,
  targets: { sites: readonly string[]; devices: readonly string[] },
): LabelMatcher | undefined {
  if (targets.devices.length > 0)
    return {
      name: manager.scope.device,
      value: `(${[...targets.devices].sort().map(escapeRegex).join('|')})(:.*)?`,
      isRegex: true,
      isEqual: true,
    };
  if (targets.sites.length > 0)
    return {
      name: manager.scope.site,
      value: [...targets.sites].sort().map(escapeRegex).join('|'),
      isRegex: true,
      isEqual: true,
    };
  return undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The same alert across two listings: its fingerprint, or its labels when there is none. */
function keyOf(alert: AlertInfo): string {
  return (
    alert.fingerprint ?? JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b)))
  );
}

function toWatched(alert: AlertInfo): WatchedAlert {
  return {
    labels: { ...alert.labels },
    startsAt: alert.startsAt,
    state: alert.state,
    ...(alert.silencedBy.length > 0 ? { silencedBy: [...alert.silencedBy] } : {}),
  };
}
