/**
 * The GitHub API base URL as netchange accepts it, and the one rule that keeps a URL's
 * `user:password@` out of every message.
 * why: fetch refuses a URL with credentials and names the whole URL in its error, so a password put
 * in GITHUB_API_URL would be printed, logged by CI and posted; the token belongs in GITHUB_TOKEN.
 */
import { configError } from '../core/errors.js';

/** A URL's scheme followed by a `user[:password]@` part; the user info never holds `/`, `?` or `#`. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s?#@]*(?:@[^/\s?#@]*)*@/gi;

/** `text` with the `user:password@` of every URL in it removed. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1');
}

/**
 * Checks an API base URL (`source` names where it came from, e.g. GITHUB_API_URL): an http or https
 * URL without a user name or password. A bad one is a configuration error (exit 2), found before any
 * request, whose message never repeats the credentials.
 */
export function checkedApiUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // why: the value is not echoed: a URL that does not parse may still hold a password.
    throw configError(`${source} is not a URL`, {
      hint: `Set ${source} to the API's address, like https://api.github.com or https://HOST/api/v3.`,
    });
  }
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    throw configError(
      `${source} includes a user name or password (${url.href}); netchange never sends credentials in the URL`,
      { hint: `Put the token in GITHUB_TOKEN and set ${source} without the 'user:password@' part.` },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw configError(`${source} is not an http or https URL (${url.protocol})`, {
      hint: `Set ${source} to the API's address, like https://api.github.com or https://HOST/api/v3.`,
    });
  return value;
}
