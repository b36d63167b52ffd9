import { describe, expect, it } from 'vitest';
import { tfvarsStrings } from './secrets.js';

describe('tfvarsStrings', () => {
  it('reads quoted strings with their escapes, nested attributes and heredocs', () => {
    const text = [
      'admin_password = "Tf\\"Adm1n\\\\Back-\\u00e9-6r"',
      'site = "hq"',
      'tunnels = {',
      '  berlin = { psk = "tun-Psk-1", peer = "198.51.100.1" }',
      '}',
      'banner_secret = <<-EOT',
      '    line-one-x',
      '    line-two-y',
      '    EOT',
      'count = 3',
    ].join('\n');

    expect(tfvarsStrings(text)).toEqual([
      { admin_password: 'Tf"Adm1n\\Back-é-6r' },
      { site: 'hq' },
      { psk: 'tun-Psk-1' },
      { peer: '198.51.100.1' },
      { banner_secret: 'line-one-x\nline-two-y\n' },
    ]);
  });
});
