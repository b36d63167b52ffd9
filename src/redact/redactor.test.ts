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

  // why: the forms Jinja's urlencode, e, quote and a hex dump, and Terraform's urlencode and
  // jsonencode, give a secret with a space, an ampersand, a slash, a quote and a non-ASCII letter.
  it.each([
    ['Jinja urlencode', 'Vlt%26In%20line/Sec%27ret%20%C3%A41'],
    ['Python quote with no safe characters', 'Vlt%26In%20line%2FSec%27ret%20%C3%A41'],
    ['Go QueryEscape', 'Vlt%26In+line%2FSec%27ret+%C3%A41'],
    ['encodeURIComponent', "Vlt%26In%20line%2FSec'ret%20%C3%A41"],
    ['HTML (markupsafe)', 'Vlt&amp;In line/Sec&#39;ret ä1'],
    ['HTML (html.escape)', 'Vlt&amp;In line/Sec&#x27;ret ä1'],
    ['shlex.quote', `'Vlt&In line/Sec'"'"'ret ä1'`],
    ['POSIX quoting', `'Vlt&In line/Sec'\\''ret ä1'`],
    ['YAML single quotes', "'Vlt&In line/Sec''ret ä1'"],
    ['Go HTML-safe JSON', '"Vlt\\u0026In line/Sec\'ret ä1"'],
    ['hex', Buffer.from("Vlt&In line/Sec'ret ä1").toString('hex')],
    ['HEX', Buffer.from("Vlt&In line/Sec'ret ä1").toString('hex').toUpperCase()],
  ])('redacts the secret as %s writes it', (_tool, form) => {
    const redactor = createRedactor({ secretValues: ["Vlt&In line/Sec'ret ä1"] });

    expect(redactor.redactText(`before ${form} after`)).not.toContain('Vlt');
  });

  // why: Jinja's upper, lower, title and capitalize and Terraform's upper() and lower() change only case.
  it.each([
    ['upper', "VLT&IN LINE/SEC'RET Ä1"],
    ['lower', "vlt&in line/sec'ret ä1"],
    ['title', "Vlt&In Line/Sec'Ret Ä1"],
  ])('redacts the secret with its case changed (%s)', (_filter, form) => {
    const redactor = createRedactor({ secretValues: ["Vlt&In line/Sec'ret ä1"] });

    expect(redactor.redactText(`before ${form} after`).toLowerCase()).not.toContain('vlt');
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

/** A secret as a JSON string body: JavaScript style, or Python's `json.dumps` (`\u00e4`, either case). */
function escapedForm(
  secret: string,
  style: 'json' | 'ascii-lower' | 'ascii-upper' | 'twice' | 'repr',
): string {
  const json = JSON.stringify(secret).slice(1, -1);
  if (style === 'json') return json;
  if (style === 'twice') return JSON.stringify(json).slice(1, -1);
  if (style === 'repr')
    return secret
      .replaceAll('\\', '\\\\')
      .replaceAll("'", "\\'")
      .replaceAll('\n', '\\n')
      .replaceAll('\r', '\\r');
  return json.replace(/[\u0080-\uffff]/g, (character) => {
    const hex = character.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${style === 'ascii-upper' ? hex.toUpperCase() : hex}`;
  });
}

const hardChar = fc.constantFrom(
  ...'abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"\\\'äöüßéñ中-_!'.split(''),
);
const hardLine = fc.string({ unit: hardChar, minLength: 8, maxLength: 24 });
/** Secrets with quotes, backslashes, non-ASCII characters and (sometimes) a newline. */
const hardSecret = fc.array(hardLine, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
const style = fc.constantFrom('json', 'ascii-lower', 'ascii-upper', 'twice', 'repr') as fc.Arbitrary<
  'json' | 'ascii-lower' | 'ascii-upper' | 'twice' | 'repr'
>;
const plainSurrounding = fc.string({ unit: fc.constantFrom(...' abc:={}[],'.split('')), maxLength: 20 });

describe('property: a planted secret never survives in any escaped form', () => {
  it('JSON-escaped, \\u-escaped (both cases), escaped twice or repr-escaped, anywhere in any text', () => {
    fc.assert(
      fc.property(hardSecret, style, plainSurrounding, plainSurrounding, (secret, form, before, after) => {
        const planted = escapedForm(secret, form);

        const redacted = createRedactor({ secretValues: [secret] }).redactText(`${before}${planted}${after}`);

        expect(redacted).not.toContain(planted);
        expect(redacted).toContain(REDACTED);
      }),
      { numRuns: 400 },
    );
  });

  it('inside a JSON event line as Python writes it: redacted as data, still one JSON document', () => {
    fc.assert(
      fc.property(hardSecret, plainSurrounding, fc.boolean(), (secret, around, ascii) => {
        const event = {
          event: 'result',
          result: { msg: `${around}${secret}${around}`, diff: { after: secret } },
        };
        // why: Python's json.dumps writes non-ASCII characters as \uXXXX; JavaScript keeps them.
        const line = ascii
          ? JSON.stringify(event).replace(
              /[\u0080-\uffff]/g,
              (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
            )
          : JSON.stringify(event);
        const redactor = createRedactor({ secretValues: [secret] });

        const redacted = redactor.redactOutput(`$ ansible-playbook x.yaml\n${line}\n`);
        const parsed = JSON.parse(redacted.split('\n')[1] ?? '');

        for (const form of ['json', 'ascii-lower', 'ascii-upper', 'repr'] as const)
          expect(redacted).not.toContain(escapedForm(secret, form));
        expect(redacted).not.toContain(secret);
        expect(parsed.result.diff.after).toBe(REDACTED);
      }),
      { numRuns: 300 },
    );
  });

  it('a multi-line secret split across the lines of a diff', () => {
    fc.assert(
      fc.property(fc.array(hardLine, { minLength: 2, maxLength: 4 }), (lines) => {
        const redactor = createRedactor({ secretValues: [lines.join('\n')] });
        const diff = `--- before\n+++ after\n@@ -1 +1,${lines.length} @@\n${lines.map((line) => `+${line}`).join('\n')}\n`;

        const redacted = redactor.redactText(diff);

        for (const line of lines) expect(redacted).not.toContain(line);
      }),
      { numRuns: 200 },
    );
  });

  it('values under secret-looking keys of an inventory listing are learned before any output', () => {
    fc.assert(
      fc.property(hardSecret, (secret) => {
        const redactor = createRedactor();
        redactor.learnSecretKeys({
          _meta: { hostvars: { 'sw-1': { radius_secret: secret, mgmt_ip: '10.0.0.1' } } },
        });

        const redacted = redactor.redactText(`auth ${escapedForm(secret, 'ascii-upper')} ip 10.0.0.1`);

        expect(redacted).toBe(`auth ${REDACTED} ip 10.0.0.1`);
      }),
      { numRuns: 200 },
    );
  });
});
