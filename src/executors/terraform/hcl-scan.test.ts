import { describe, expect, it } from 'vitest';
import {
  jsonModuleCallsOf,
  keyedStrings,
  moduleCallsOf,
  sensitiveJsonVariablesOf,
  sensitiveVariablesOf,
  varFileStrings,
} from './hcl-scan.js';

const MODULE = `
# variable "commented" { sensitive = true }
/* variable "block_commented" {
  sensitive = true
} */
variable "bgp_md5" {
  description = "MD5 key for the BGP sessions; a \\"quoted\\" } brace in text"
  type        = string
  sensitive   = true // the provider's docs say so
  default     = "demo-md5-Kq7"
  validation {
    condition     = length(var.bgp_md5) > 8 && !contains(["{", "}"], var.bgp_md5)
    error_message = "The key \${var.bgp_md5 == "x" ? "{" : "}"} is too short."
  }
}

variable "site_settings" {
  description = <<-EOT
    Per-site settings.
    sensitive = true is written here, in text only.
    }
    EOT
  type = object({
    sensitive = bool
    name      = string
  })
}

variable "admin" {
  type = object({ user = string, password = string })
  sensitive = true
  default = {
    user     = "netops"
    password = "Adm1n-default-pw"
  }
}

variable "region" {
  sensitive = false
  default   = "eu-central"
}

variable "templated" {
  sensitive = true
  default   = "prefix-\${local.suffix}"
}

resource "terraform_data" "x" {
  input = { variable = "not a declaration", sensitive = true }
}
`;

describe('sensitiveVariablesOf', () => {
  it('finds the variables declared sensitive, past comments, strings, heredocs and nested objects', () => {
    expect(sensitiveVariablesOf(MODULE)).toEqual([
      { name: 'bgp_md5', defaults: ['demo-md5-Kq7'] },
      { name: 'admin', defaults: ['netops', 'Adm1n-default-pw'] },
      // why: a default built from an expression is not a literal; Terraform marks its value itself.
      { name: 'templated', defaults: [] },
    ]);
  });

  it('reads labels without quotes, `sensitive = "true"` and the `$${` escape, as Terraform does', () => {
    const text = [
      'variable psk {',
      '  sensitive = "true"',
      '  default   = "Dollar$${Key}-%%{x}-9"',
      '}',
      'variable "banner" {',
      '  sensitive = true',
      '  default   = <<EOT',
      'Heredoc$${Line}',
      'EOT',
      '}',
    ].join('\n');

    expect(sensitiveVariablesOf(text)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
      { name: 'psk', defaults: ['Dollar${Key}-%{x}-9'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
      { name: 'banner', defaults: ['Heredoc${Line}\n'] },
    ]);
    expect(sensitiveJsonVariablesOf('{"variable": {"k": {"sensitive": "true"}}}')).toEqual([
      { name: 'k', defaults: [] },
    ]);
  });

  it('reads a heredoc of half a million lines without overflowing the stack', () => {
    const lines = Array.from({ length: 500_000 }, (_, index) => `    line ${index}`);
    const text = [
      'variable "big" {',
      '  sensitive = true',
      '  default = <<-EOT',
      ...lines,
      '  EOT',
      '}',
    ].join('\n');

    const [big] = sensitiveVariablesOf(text);

    expect(big?.defaults[0]?.startsWith('line 0\nline 1\n')).toBe(true);
  });

  it('reads a file with Windows line ends and one that ends inside a block', () => {
    const text =
      'variable "psk" {\r\n  sensitive = true\r\n  default = "crlf-psk-1"\r\n}\r\nvariable "cut" {\n  sensitive = true\n';

    expect(sensitiveVariablesOf(text)).toEqual([
      { name: 'psk', defaults: ['crlf-psk-1'] },
      { name: 'cut', defaults: [] },
    ]);
  });
});

describe('sensitiveJsonVariablesOf', () => {
  it('reads both JSON forms of the variable blocks, and nothing from a broken file', () => {
    const objectForm = JSON.stringify({
      variable: {
        token: { sensitive: true, default: { a: 'tok-default-1', b: [7, 'tok-default-2'] } },
        name: { sensitive: false, default: 'plain' },
      },
    });
    const listForm = JSON.stringify({ variable: [{ key: [{ sensitive: true }] }] });

    expect(sensitiveJsonVariablesOf(objectForm)).toEqual([
      { name: 'token', defaults: ['tok-default-1', '7', 'tok-default-2'] },
    ]);
    expect(sensitiveJsonVariablesOf(listForm)).toEqual([{ name: 'key', defaults: [] }]);
    expect(sensitiveJsonVariablesOf('{"variable": ')).toEqual([]);
  });
});

describe('varFileStrings', () => {
  it('gives every literal string under each top-level attribute, nested and heredoc ones too', () => {
    const text = [
      'bgp_md5 = "Md5\\"Key\\\\-\\u00e9"',
      'count   = 3',
      'admin = {',
      '  user     = "netops" # a comment "not-a-value"',
      '  password = "Adm1n-pw-7"',
      '}',
      'banner = <<-EOT',
      '    line-one-x',
      '    line-two-y',
      '    EOT',
      'peers = ["198.51.100.1",',
      '  "198.51.100.2"]',
    ].join('\n');

    expect(varFileStrings(text)).toEqual(
      new Map([
        ['bgp_md5', ['Md5"Key\\-é']],
        ['count', []],
        ['admin', ['netops', 'Adm1n-pw-7']],
        ['banner', ['line-one-x\nline-two-y\n']],
        ['peers', ['198.51.100.1', '198.51.100.2']],
      ]),
    );
  });
});

describe('keyedStrings', () => {
  it('reads quoted strings with their escapes, nested and quoted keys, and heredocs', () => {
    const text = [
      'admin_password = "Tf\\"Adm1n\\\\Back-\\u00e9-6r"',
      'site = "hq"',
      'tunnels = {',
      '  berlin = { psk = "tun-Psk-1", peer = "198.51.100.1" }',
      '  "paris" = { "tunnel_psk": "tun-Psk-2" }',
      '}',
      'banner_secret = <<-EOT',
      '    line-one-x',
      '    line-two-y',
      '    EOT',
      'count = 3',
    ].join('\n');

    expect(keyedStrings(text)).toEqual([
      { admin_password: 'Tf"Adm1n\\Back-é-6r' },
      { site: 'hq' },
      { psk: 'tun-Psk-1' },
      { peer: '198.51.100.1' },
      { tunnel_psk: 'tun-Psk-2' },
      { banner_secret: 'line-one-x\nline-two-y\n' },
    ]);
  });
});

describe('moduleCallsOf', () => {
  it('gives each module block its source and each argument its literals and var.NAME references', () => {
    const text = [
      'module tunnel {',
      '  source = "./tunnel"',
      '  key    = var.psk',
      '  peers  = { a = "Peer-A-1", b = var.peer_b }',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
      '  note   = "${var.site}-x" # a template: no literal',
      '}',
      'resource "terraform_data" "x" { input = var.other }',
    ].join('\n');
    const json = JSON.stringify({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
      module: { tunnel: { source: '../shared', key: '${var.psk}', peer: 'Peer-J-2' } },
    });

    expect(moduleCallsOf(text)).toEqual([
      {
        source: './tunnel',
        arguments: new Map([
          ['key', { strings: [], variables: ['psk'] }],
          ['peers', { strings: ['Peer-A-1'], variables: ['peer_b'] }],
          ['note', { strings: [], variables: [] }],
        ]),
      },
    ]);
    expect(jsonModuleCallsOf(json)).toEqual([
      {
        source: '../shared',
        arguments: new Map([
          ['key', { strings: [], variables: ['psk'] }],
          ['peer', { strings: ['Peer-J-2'], variables: [] }],
        ]),
      },
    ]);
  });
});
