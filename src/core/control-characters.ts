/**
 * Text from a pull request (file names, titles, descriptions, a tool's output) reaches terminals and
 * CI logs. Control characters in it could clear the screen, rewrite the line a reviewer reads
 * (`\r`, cursor moves), hide a finding (SGR conceal), set the window title, or reorder what is shown
 * (bidirectional overrides, as in "Trojan Source"). Every human-facing format shows them as visible
 * marks instead; JSON keeps the data as it is (its serializer escapes them).
 */

// why: C0 without tab and newline, DEL, C1, and the bidirectional embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with each control character shown as a visible mark: `␛` for ESC, `<U+202E>` for an override. */
export function neutralizeControlCharacters(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/**
 * A copy of `value` with every string in it (plain objects and arrays, walked) neutralized; anything
 * else (a Date, a Map) is kept as it is. Unchanged values are returned as they are, uncopied.
 */
export function neutralizeDeep<T>(value: T): T {
  if (typeof value === 'string') return neutralizeControlCharacters(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const clean = neutralizeDeep(item);
      if (clean !== item) {
        copy ??= [...value];
        copy[index] = clean;
      }
    });
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const clean = neutralizeDeep(item);
      if (clean !== item) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = clean;
      }
    }
    return (copy ?? value) as T;
  }
  return value;
}
