import { describe, expect, it } from 'vitest';
import { NetchangeError } from '../core/errors.js';
import { checkedApiUrl, withoutUrlCredentials } from './api-url.js';
import { createOctokitGitHub } from './octokit-github.js';

describe('withoutUrlCredentials', () => {
  it.each([
    [
      '500 Request cannot be constructed from a URL that includes credentials: http://u:APIPASSXYZ@127.0.0.1:9/repos/a/b',
      '500 Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:9/repos/a/b',
    ],
    ['GET https://token@ghe.example.com/api/v3/x', 'GET https://ghe.example.com/api/v3/x'],
    ['https://u:p@ss@host/x and http://a:b@c/', 'https://host/x and http://c/'],
    ['no URL here: user@example.com', 'no URL here: user@example.com'],
  ])('%s', (text, expected) => {
    expect(withoutUrlCredentials(text)).toBe(expected);
  });
});

describe('checkedApiUrl', () => {
  it.each([
    ['http://u:APIPASSXYZ@127.0.0.1:9', 'includes a user name or password (http://127.0.0.1:9/)'],
    ['https://APIPASSXYZ@api.github.com', 'includes a user name or password'],
    ['http//APIPASSXYZ@api', 'is not a URL'],
    ['ftp://api.example.com', 'is not an http or https URL'],
  ])('%s is a configuration error that does not repeat the credentials', (value, message) => {
    let caught: unknown;
    try {
      checkedApiUrl(value, 'GITHUB_API_URL');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(NetchangeError);
    expect((caught as NetchangeError).code).toBe('E_CONFIG');
    expect((caught as NetchangeError).message).toContain(message);
    expect(`${(caught as NetchangeError).message} ${(caught as NetchangeError).hint}`).not.toContain(
      'APIPASSXYZ',
    );
  });

  it('the adapter refuses such a URL before any request', async () => {
    const creating = createOctokitGitHub({
      auth: { token: 'x' },
      apiUrl: 'http://u:APIPASSXYZ@127.0.0.1:9',
      repository: 'a/b',
    });

    await expect(creating).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(creating).rejects.not.toThrow(/APIPASSXYZ/);
  });
});
