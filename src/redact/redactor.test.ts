import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretKey } from './patterns.js';
import { createRedactor, REDACTED } from './redactor.js';
import { maskSensitive } from './sensitive-tree.js';

const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
const FINE_GRAINED = `github_pat_11ABCDEFG0${'x'.repeat(40)}`;
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAzL8k\nQ29udGVudA==\n-----END RSA PRIVATE KEY-----';

describe('createRedactor: text formats', () => {
  it.each([
    ['GitHub classic token', `token is ${GITHUB_TOKEN} here`, GITHUB_TOKEN],
    ['GitHub fine-grained token', `auth ${FINE_GRAINED}`, FINE_GRAINED],
    ['AWS access key id', `id=${AWS_KEY}`, AWS_KEY],
    ['AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['PEM private key', `key:\n${PEM}\nafter`, 'MIIEpAIBAAKCAQEAzL8k'],
    ['Cisco type 7 password', 'username admin password 7 0822455D0A16', '0822455D0A16'],
    ['Cisco secret 5', 'enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0'],
    ['SNMP community', '+snmp-server community pl4nt-RO RO', 'pl4nt-RO'],
    ['WPA pre-shared key', ' security wpa psk set-key ascii 0 scan-Psk-99', 'scan-Psk-99'],
    ['IKE pre-shared key', 'pre-shared-key address 198.51.100.1 key ike-Key-42', 'ike-Key-42'],
    ['OSPF key', ' ip ospf message-digest-key 1 md5 ospfK3y', 'ospfK3y'],
    ['key=value', 'db_password=hunter22 next', 'hunter22'],
    ['JSON pair', '{"api_token": "abc123def"}', 'abc123def'],
  ])('%s', (_name, text, secret) => {
    const redactor = createRedactor();

    const redacted = redactor.redactText(text);

    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(REDACTED);
  });

  it('keeps the words that say what changed', () => {
    expect(createRedactor().redactText('snmp-server community pl4nt-RO RO')).toBe(
      `snmp-server community ${REDACTED} RO`,
    );
  });

  it('leaves ordinary configuration alone', () => {
    const text = 'vlan 40\n name PACKAGING\ninterface Gi1/0/5\n description line 3';

    expect(createRedactor().redactText(text)).toBe(text);
  });
});

describe('createRedactor: values', () => {
  it('redacts configured environment values and their base64 forms', () => {
    const redactor = createRedactor({
      env: { MY_VALUE: 'sup3r-s3cret-value', HOME: '/root' },
      secretEnvNames: ['MY_VALUE'],
    });
    const base64 = Buffer.from('config: sup3r-s3cret-value\n').toString('base64');

    const redacted = redactor.redactText(`plain sup3r-s3cret-value and ${base64}`);

    expect(redacted).not.toContain('sup3r-s3cret-value');
    expect(redacted).not.toContain(Buffer.from('sup3r-s3cret-value').toString('base64').slice(2, 18));
    expect(redacted).toContain('plain');
  });

  it('treats environment variables named like secrets as secret without configuration', () => {
    const redactor = createRedactor({ env: { GITHUB_TOKEN: 'not-a-real-format-token' } });

    expect(redactor.redactText('x not-a-real-format-token y')).toBe(`x ${REDACTED} y`);
  });

  it('masks secret-looking keys and learns their values for free text', () => {
    const redactor = createRedactor();

    const redacted = redactor.redactValue({
      snmp_community: 'c0mmunity!',
      nested: [{ adminPassword: 'pa55word' }],
      msg: 'failed with c0mmunity! and pa55word',
      vlan: 40,
      key: 'plain-map-key',
    });

    expect(redacted).toEqual({
      snmp_community: REDACTED,
      nested: [{ adminPassword: REDACTED }],
      msg: `failed with ${REDACTED} and ${REDACTED}`,
      vlan: 40,
      key: 'plain-map-key',
    });
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'db_password',
    'snmpCommunity',
    'api-key',
    'private_key',
    'psk',
    'tunnel_psk',
    'secret',
    'token',
    'ssh_key',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));
  it.each(['vlan_id', 'description', 'keys', 'key', 'no_log', 'after_sensitive', 'monkey', 'tokenizer_mode'])(
    '%s is not secret',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('maskSensitive', () => {
  it('masks what a Terraform sensitive tree marks and learns it', () => {
    const redactor = createRedactor();

    const masked = maskSensitive(
      { input: { psk: 'tunnel-psk-1', name: 'hq' }, list: ['a', 'b-secret-val'] },
      { input: { psk: true }, list: [false, true] },
      redactor,
    );

    expect(masked).toEqual({ input: { psk: REDACTED, name: 'hq' }, list: ['a', REDACTED] });
    expect(redactor.redactText('log: tunnel-psk-1')).toBe(`log: ${REDACTED}`);
  });
});

const secretChar = fc.constantFrom(
  ...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789!#%&*+-/:@^_~'.split(''),
);
const secretValue = fc.string({ unit: secretChar, minLength: 8, maxLength: 40 });
const surrounding = fc.string({ maxLength: 60 });

describe('property: a planted secret never survives', () => {
  it('configured values, in plain or base64 form, anywhere in any text', () => {
    fc.assert(
      fc.property(secretValue, surrounding, surrounding, fc.boolean(), (secret, before, after, encode) => {
        const redactor = createRedactor({ secretValues: [secret] });
        const text = `${before}${secret}${after}`;
        const planted = encode ? Buffer.from(text).toString('base64') : text;
        // why: inside a base64 blob, only the characters computed from the secret's own bytes are the secret.
        const offset = Buffer.byteLength(before);
        const fromSecret = planted.slice(
          Math.ceil((offset * 8) / 6),
          Math.floor(((offset + Buffer.byteLength(secret)) * 8) / 6),
        );

        const redacted = redactor.redactText(planted);

        expect(redacted).not.toContain(encode ? fromSecret : secret);
      }),
      { numRuns: 300 },
    );
  });

  it('every text format, wherever it is planted', () => {
    const format = fc.oneof(
      secretValue.map((s) => ({ text: `snmp-server community ${s} RO`, secret: s })),
      secretValue.map((s) => ({ text: `username admin secret 5 ${s}`, secret: s })),
      secretValue.map((s) => ({ text: `password 7 ${s}`, secret: s })),
      secretValue.map((s) => ({ text: `pre-shared-key ${s}`, secret: s })),
      fc
        .string({
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
          minLength: 36,
          maxLength: 40,
        })
        .map((s) => ({
          text: `ghp_${s}`,
          secret: `ghp_${s}`,
        })),
      fc
        .string({
          unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('')),
          minLength: 16,
          maxLength: 16,
        })
        .map((s) => ({
          text: `AKIA${s}`,
          secret: `AKIA${s}`,
        })),
    );
    fc.assert(
      fc.property(
        format,
        fc.constantFrom('', 'x ', '\n', '"', '> '),
        fc.constantFrom('', ' tail', '\n', '"'),
        ({ text, secret }, before, after) => {
          expect(createRedactor().redactText(`${before}${text}${after}`)).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('redacting twice changes nothing more (renderers redact again as a last pass)', () => {
    const line = fc.constantFrom(
      'snmp-server community c0mm RO',
      'security wpa psk set-key ascii 0 scan-Psk-99',
      'username admin password 7 0822455D0A16',
      'pre-shared-key address 198.51.100.1 key ike-Key-42',
      'db_password: "hunter22"',
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const redactor = createRedactor();
        const once = redactor.redactText(lines.join('\n'));

        expect(redactor.redactText(once)).toBe(once);
      }),
    );
  });

  it('structured values under secret keys, at any depth', () => {
    fc.assert(
      fc.property(
        secretValue,
        fc.constantFrom('password', 'snmp_community', 'tunnel_psk', 'apiToken', 'private_key'),
        fc.nat(4),
        (secret, key, depth) => {
          let value: unknown = { [key]: secret, note: 'ok' };
          for (let level = 0; level < depth; level++) value = { level, items: [value] };
          const redactor = createRedactor();

          const redacted = JSON.stringify(redactor.redactValue({ data: value, log: `echo ${secret}` }));

          expect(redacted).not.toContain(secret);
        },
      ),
      { numRuns: 200 },
    );
  });
});
