// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the policy's environment variable syntax, not a template
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../documents/parse-yaml.js';
import { readHoldSettings } from './policy.js';

const FILE = 'policies/change-control.yaml';

/** The URL's findings: `url` written as the value of holds.alertmanager.url (line 4). */
function urlFindings(url: string, env: Record<string, string> = {}) {
  const text = `apiVersion: netchange/v1
holds:
  alertmanager:
    url: ${JSON.stringify(url)}
    matchers: ['severity="critical"']
`;
  return readHoldSettings(parseYaml(FILE, text), env).findings;
}

describe('holds.alertmanager.url', () => {
  it.each([
    'http://127.0.0.1:9093',
    'https://alertmanager.ops.example:9093/',
    // why: user and password from the environment, never written in the policy.
    'https://${AM_USER}:${AM_PASSWORD}@alertmanager:9093',
    'https://readonly@alertmanager:9093',
    '${ALERTMANAGER_URL}',
  ])('accepts %s', (url) => {
    expect(
      urlFindings(url, { AM_USER: 'ops', AM_PASSWORD: 'from-a-secret', ALERTMANAGER_URL: 'http://am:9093' }),
    ).toEqual([]);
  });

  it('refuses a password written into the policy, at its line, without showing it', () => {
    const findings = urlFindings('http://ops:hunter2-PLANTED@alertmanager:9093');

    expect(findings).toMatchObject([
      {
        severity: 'error',
        file: FILE,
        line: 4,
        message:
          'holds.alertmanager.url carries a password written in the policy, which everyone who reads the repository can see',
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain('hunter2-PLANTED');
  });

  it.each([
    ['not a url at all', '"not a url at all" is not an http(s) URL'],
    ['ftp://alertmanager:9093', '"ftp://alertmanager:9093" is not an http(s) URL'],
    ['alertmanager:9093', '"alertmanager:9093" is not an http(s) URL'],
  ])('refuses %s at its line', (url, message) => {
    expect(urlFindings(url)).toMatchObject([
      { severity: 'error', file: FILE, line: 4, message: `holds.alertmanager.url ${message}` },
    ]);
  });

  it('judges a URL from the environment once its variables are replaced, showing only what was written', () => {
    const findings = urlFindings('${ALERTMANAGER_URL}', { ALERTMANAGER_URL: 'alertmanager-without-scheme' });

    expect(findings).toMatchObject([
      {
        line: 4,
        message:
          'holds.alertmanager.url "${ALERTMANAGER_URL}" (with its variables replaced) is not an http(s) URL',
      },
    ]);
  });

  it('leaves a URL whose variable is unset to the stage that reports it', () => {
    expect(urlFindings('${ALERTMANAGER_URL}')).toEqual([]);
  });
});
