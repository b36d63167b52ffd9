import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretKey } from './patterns.js';
import { createRedactor, cutRedacted, REDACTED } from './redactor.js';
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
  it('copies a report whole: a Map keeps its entries, a Date stays a Date, the original is untouched', () => {
    const redactor = createRedactor({ secretValues: ['ospfK3y-77'] });
    const when = new Date('2026-11-29T08:00:00Z');
    const report = { at: when, titles: new Map([['CHG-1', 'rotate to ospfK3y-77']]), db_password: 'x1y2' };

    const redacted = redactor.redactValue(report);

    expect(redacted.at).toBe(when);
    expect(redacted.titles).toEqual(new Map([['CHG-1', `rotate to ${REDACTED}`]]));
    expect(redacted.db_password).toBe(REDACTED);
    expect(report.titles.get('CHG-1')).toBe('rotate to ospfK3y-77');
  });

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

  it('redacts a learned secret that is a number wherever a copy holds it, and keeps other numbers', () => {
    const redactor = createRedactor();
    redactor.learnSecretKeys({ tunnel_key: 48151623429911 });

    expect(
      redactor.redactValue({ input: { value: 48151623429911, vlan: 40 }, list: [48151623429911] }),
    ).toEqual({
      input: { value: REDACTED, vlan: 40 },
      list: [REDACTED],
    });
  });
});

/** A Wi-Fi passphrase of words: YAML, `wordwrap` and diffs break it at its spaces. */
const PASSPHRASE = 'correct horse battery staple mango pineapple orchard velvet tea';

describe('createRedactor: a secret with spaces, folded across lines', () => {
  // why: what Ansible's to_nice_yaml (plain and double-quoted), wordwrap and json, a unified diff of
  // them and the coloured terminal view make of the passphrase.
  it.each([
    [
      'a diff of to_nice_yaml',
      '+    wlan:\n+        wpa_passphrase: correct horse battery staple mango pineapple orchard velvet\n+            tea\n',
    ],
    [
      'to_nice_yaml(width=40)',
      'wlan:\n  wpa_passphrase: correct horse battery staple\n    mango pineapple orchard velvet tea\n',
    ],
    ['wordwrap(20)', 'correct horse\nbattery staple mango\npineapple orchard\nvelvet tea'],
    [
      'a double-quoted YAML scalar',
      '  wpa_passphrase: "correct horse battery staple\\\n    \\ mango pineapple orchard velvet tea"',
    ],
    [
      'a JSON string of folded YAML',
      '"msg": "correct horse battery staple\\n    mango pineapple orchard velvet tea"',
    ],
    [
      'the coloured terminal view of a diff',
      '\x1b[32m+        wpa_passphrase: correct horse battery staple mango pineapple orchard velvet\x1b[39m\n\x1b[32m+            tea\x1b[39m',
    ],
  ])('redacts it from %s', (_form, text) => {
    const redacted = createRedactor({ secretValues: [PASSPHRASE] }).redactText(text);

    for (const word of PASSPHRASE.split(' ')) expect(redacted).not.toMatch(new RegExp(`\\b${word}\\b`));
    expect(redacted).toContain(REDACTED);
  });

  it('keeps the lines of a diff, each folded line marked', () => {
    const diff =
      '@@ -0,0 +1,3 @@\n+wlan:\n+    wpa_passphrase: correct horse battery staple mango pineapple orchard velvet\n+        tea\n';

    const redacted = createRedactor({ secretValues: [PASSPHRASE] }).redactText(diff);

    expect(redacted).toBe(
      `@@ -0,0 +1,3 @@\n+wlan:\n+    wpa_passphrase: ${REDACTED}\n+        ${REDACTED}\n`,
    );
  });

  it('redacts a whole passphrase after a secret-looking key, even one it was never told', () => {
    const text = '+        wpa_passphrase: other words of a long phrase\n+        ssid: PLANT-A';

    const redacted = createRedactor().redactText(text);

    expect(redacted).toBe(`+        wpa_passphrase: ${REDACTED}\n+        ssid: PLANT-A`);
  });

  it('never lets a word of a folded secret through, wherever the folds fall (property)', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')),
      minLength: 4,
      maxLength: 9,
    });
    const fold = fc.constantFrom(' ', '\n', '\n  ', '\n+    ', '\n-        ', '\r\n    ', '\\\n  \\ ');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fold), { minLength: 2, maxLength: 8 }),
        fc.constantFrom('', '+  key: ', '    msg: "', '> '),
        (parts, before) => {
          const words = parts.map(([text]) => text);
          const folded = parts
            .map(([text, separator], index) => (index === 0 ? text : `${separator}${text}`))
            .join('');
          const redactor = createRedactor({ secretValues: [words.join(' ')] });

          const redacted = redactor.redactText(`${before}${folded}\n`);

          for (const text of words) expect(redacted.replaceAll(REDACTED, '')).not.toContain(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('createRedactor: more encodings of a secret', () => {
  const secret = "Vlt&In line/Sec'ret ä1";
  const bytes = Buffer.from(secret, 'utf8');
  const hexBytes = [...bytes].map((byte) => byte.toString(16).padStart(2, '0'));

  // why: what Python's bytes repr and bytes.hex(sep), PyYAML's double quotes, json_encode's `\/`,
  // xmlcharrefreplace, a URL inside a URL and a NFD file name make of it (checked against Python).
  it.each([
    ['hex with colons', hexBytes.join(':')],
    ['hex with spaces, upper case', hexBytes.join(' ').toUpperCase()],
    ['JSON with \\/ and \\u escapes', "Vlt&In line\\/Sec'ret \\u00e41"],
    ['a Python bytes repr', "Vlt&In line/Sec'ret \\xc3\\xa41"],
    ['a PyYAML double-quoted scalar', "Vlt&In line/Sec'ret \\xE41"],
    ['decimal character references', 'Vlt&amp;In line/Sec&#x27;ret &#228;1'],
    ['hex character references', 'Vlt&amp;In line/Sec&#39;ret &#xe4;1'],
    ['percent-encoded twice', 'Vlt%2526In%2520line/Sec%2527ret%2520%25C3%25A41'],
    ['Unicode NFD', secret.normalize('NFD')],
  ])('redacts it as %s', (_form, form) => {
    const redactor = createRedactor({ secretValues: [secret] });

    expect(redactor.redactText(`before ${form} after`)).toBe(`before ${REDACTED} after`);
  });

  it('redacts it in NFC when it was given in NFD', () => {
    const redactor = createRedactor({ secretValues: [secret.normalize('NFD')] });

    expect(redactor.redactText(`before ${secret.normalize('NFC')} after`)).toBe(`before ${REDACTED} after`);
  });

  it('redacts its base64 form wrapped at 76 or 64 columns, wherever the line break cuts it (property)', () => {
    fc.assert(
      fc.property(
        secretValue,
        surrounding,
        surrounding,
        fc.nat(),
        fc.constantFrom(76, 64),
        fc.constantFrom('\n', '\r\n', '\n    '),
        (value, text, after, at, width, lineBreak) => {
          // why: the secret starts just before the first line's end, so the break falls inside it
          // (`at` picks where; the text before it is ASCII, one byte a character).
          const cut = 1 + (at % (Buffer.byteLength(value) - 1));
          const before = `${text}${'x'.repeat(width)}`.slice(0, (width / 4) * 3 - cut);
          const blob = Buffer.from(`${before}${value}${after}`).toString('base64');
          const offset = Buffer.byteLength(before);
          const fromSecret = blob.slice(
            Math.ceil((offset * 8) / 6),
            Math.floor(((offset + Buffer.byteLength(value)) * 8) / 6),
          );
          const wrapped = blob.match(new RegExp(`.{1,${width}}`, 'g'))?.join(lineBreak) ?? '';

          const redacted = createRedactor({ secretValues: [value] }).redactText(`data: |\n    ${wrapped}\n`);

          expect(redacted.replace(/\s+/g, '')).not.toContain(fromSecret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('createRedactor: webhook URLs', () => {
  const url = 'https://hooks.slack.com/services/T0PLANT/B0NOC/x9Yq2LmN4pQrS7tUvW1z';

  it.each([
    ['a variable named like a webhook', { env: { NETCHANGE_SLACK_WEBHOOK: url } }],
    ['a variable the configuration names', { env: { CHAT_URL: url }, webhookEnvNames: ['CHAT_URL'] }],
  ])('redacts the URL and its path on its own from %s', (_source, options) => {
    const redactor = createRedactor(options);
    const path = '/services/T0PLANT/B0NOC/x9Yq2LmN4pQrS7tUvW1z';

    const redacted = redactor.redactText(
      `url ${url} path ${path} b64 ${Buffer.from(url).toString('base64')}`,
    );

    // why: base64's last characters also hold the bits of what follows the secret.
    expect(redacted).toMatch(/^url \[REDACTED\] path \[REDACTED\] b64 \[REDACTED\]\S{0,3}$/);
  });
});

describe('cutRedacted', () => {
  it.each([
    ['fits', 'abc [REDACTED] def', 40, 'abc [REDACTED] def'],
    ['cuts plain text', 'abcdefghij', 4, 'abcd'],
    ['never inside a marker', `key is ${REDACTED} and more`, 10, 'key is '],
    ['keeps a marker that fits', `key is ${REDACTED} and more`, 17, `key is ${REDACTED}`],
  ])('%s', (_case, text, length, expected) => {
    expect(cutRedacted(text, length)).toBe(expected);
  });

  it('leaves no part of a secret when text is redacted, then cut (property)', () => {
    // why: text around the secret made of characters no secret here has, so it cannot look like one.
    const plainText = fc.string({ unit: fc.constantFrom(' ', ',', ';', '(', ')', '=', '.'), maxLength: 60 });
    fc.assert(
      fc.property(secretValue, plainText, fc.nat(120), (value, before, length) => {
        const redactor = createRedactor({ secretValues: [value] });

        const cut = cutRedacted(redactor.redactText(`${before}${value} tail`), length);

        expect(cut).not.toContain(value.slice(0, 4));
      }),
      { numRuns: 300 },
    );
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
