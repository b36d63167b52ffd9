import { describe, expect, it } from 'vitest';
import { MAY_HOLD_A_FORMAT, SECRET_TEXT_PATTERNS } from './patterns.js';

/** Texts each format catches, in the shapes tools and device configurations print them. */
const SAMPLES: Record<string, string[]> = {
  'PEM private key': ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'],
  'GitHub token': ['Authorization: bearer ghs_0123456789abcdefghijABCDEFGHIJ'],
  'GitHub fine-grained token': ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
  'AWS access key id': ['AKIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE'],
  'AWS secret access key': [
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '"secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    'AWS_SESSION_TOKEN=FwoGZXIvYXdzEBYaDHhBTEXAMPLE',
  ],
  'SNMP community': ['snmp-server community Pl4nt-RO ro', 'Community string s3cret-ro'],
  'Cisco password/secret line (type 0/5/7/8/9 or plain)': [
    'enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0',
    'username admin PASSWORD 7 0822455D0A16',
  ],
  'Key strings and authentication keys': [
    ' key-string 7 0822455D0A16',
    'ip ospf message-digest-key 1 md5 0spfK3y',
    'set-key ascii B1gS3cret',
  ],
  'Pre-shared key': [
    'pre-shared-key address 10.0.0.1 key S3cr3t',
    'pre-shared-key tunnelPSK',
    'WPA-PSK passw0rd1',
  ],
  'secret-looking key: value (YAML, JSON)': [
    'db_password: hunter22',
    '"Api-Key": "abcd1234"',
    'wpa_passphrase: correct horse',
  ],
  'secret-looking key = value': ['TOKEN=abcd1234', 'private_key = "abcd"', 'snmp_community=ro-only'],
};

describe("MAY_HOLD_A_FORMAT, the redactor's quick test before the format list", () => {
  it('has samples for every format, so a new format cannot go untested', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(SECRET_TEXT_PATTERNS.map(({ name }) => name).sort());
  });

  it.each(
    SECRET_TEXT_PATTERNS.flatMap(({ name, pattern }) =>
      (SAMPLES[name] ?? []).map((sample) => [name, sample, pattern] as const),
    ),
  )('%s: lets %j through to its format', (_name, sample, pattern) => {
    // why: a fresh copy of the global pattern, so lastIndex from another test cannot skip a match.
    const format = new RegExp(pattern.source, pattern.flags);

    expect(sample.replace(format, '[REDACTED]')).not.toBe(sample);
    expect(MAY_HOLD_A_FORMAT.test(sample)).toBe(true);
  });

  it('turns away the texts a report is mostly made of', () => {
    for (const text of [
      'changes/chg-0142-vlan40-packaging.yaml',
      'CHG-2026-0142',
      '2026-11-29T08:00:00Z',
      'plant-a',
    ]) {
      expect(MAY_HOLD_A_FORMAT.test(text)).toBe(false);
    }
  });
});
