import { describe, expect, it } from 'vitest';
import { createConfigRedactor, secretEnvNamesOf } from './config-secrets.js';
import { REDACTED } from './redactor.js';

const CONFIG = {
  secrets: { env: ['SSID_PSK', 'OSPF_KEY'] },
  notify: { slack: { webhookEnv: 'CHAT_URL' }, teams: { webhookEnv: 'TEAMS_HOOK_URL' } },
};
const SLACK = 'https://hooks.slack.com/services/T0PLANT/B0NOC/x9Yq2LmN4pQrS7tUvW1z';

describe('secretEnvNamesOf', () => {
  it('names secrets.env and every chat webhook variable, each once', () => {
    const names = secretEnvNamesOf({ ...CONFIG, secrets: { env: [...CONFIG.secrets.env, 'CHAT_URL'] } });

    expect(names).toEqual(['SSID_PSK', 'OSPF_KEY', 'CHAT_URL', 'TEAMS_HOOK_URL']);
  });

  it('names secrets.env alone when nothing is notified', () => {
    expect(secretEnvNamesOf({ secrets: { env: ['OSPF_KEY'] } })).toEqual(['OSPF_KEY']);
  });
});

describe('createConfigRedactor', () => {
  it('redacts the values of secrets.env and each webhook URL with its path, whatever the variables are called', () => {
    const redactor = createConfigRedactor(CONFIG, { OSPF_KEY: 'ospfK3y-77', CHAT_URL: SLACK, HOME: '/root' });

    const redacted = redactor.redactText(
      `title OSPF key rotation to ospfK3y-77; posted to ${SLACK} (path /services/T0PLANT/B0NOC/x9Yq2LmN4pQrS7tUvW1z) from /root`,
    );

    expect(redacted).toBe(
      `title OSPF key rotation to ${REDACTED}; posted to ${REDACTED} (path ${REDACTED}) from /root`,
    );
  });

  it('redacts extra secret values given with the configuration (a session credential)', () => {
    const redactor = createConfigRedactor(CONFIG, {}, ['ghs_sessionToken123456']);

    expect(redactor.redactText('token ghs_sessionToken123456')).toBe(`token ${REDACTED}`);
  });
});
