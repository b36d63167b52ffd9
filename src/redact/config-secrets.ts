/**
 * The secrets netchange.yaml names, in one place, so every redactor made from a configuration
 * (plan, apply, drift, the GitHub session, notify) knows the same ones.
 */
import { createRedactor, type Redactor } from './redactor.js';

/** The parts of netchange.yaml that name secret environment variables. */
export interface SecretSettings {
  /** `secrets.env`: variables whose values are secret. */
  secrets: { env: readonly string[] };
  /** `notify.<chat>.webhookEnv`: variables holding webhook URLs, secret wherever they are set. */
  notify?: Readonly<Record<string, { webhookEnv?: string } | undefined>>;
}

/** The variables holding a chat's webhook URL (`notify.*.webhookEnv`). */
export function webhookEnvNamesOf(settings: SecretSettings): string[] {
  const names = Object.values(settings.notify ?? {}).map((chat) => chat?.webhookEnv);
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name !== ''))];
}

/**
 * Every environment variable a configuration makes secret: `secrets.env` and each webhook's.
 * why: a webhook URL is a secret for every command, not only for `notify`: the apply workflow sets
 * it for the whole job, so a playbook can print it during plan or apply.
 */
export function secretEnvNamesOf(settings: SecretSettings): string[] {
  return [...new Set([...settings.secrets.env, ...webhookEnvNamesOf(settings)])];
}

/**
 * A redactor that knows a configuration's secrets as set in `env`: the values of its secret
 * variables, and each webhook URL with its path on its own (the credential); plus `secretValues`.
 */
export function createConfigRedactor(
  settings: SecretSettings,
  env: NodeJS.ProcessEnv,
  secretValues: readonly string[] = [],
): Redactor {
  return createRedactor({
    env,
    secretEnvNames: secretEnvNamesOf(settings),
    webhookEnvNames: webhookEnvNamesOf(settings),
    secretValues,
  });
}
