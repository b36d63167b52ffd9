/**
 * The shape every output format has: a pure function from one result kind's data to the text a
 * command prints. Formats register as lazy loaders so that listing them (commander's `.choices()`)
 * loads no renderer and none of its libraries.
 */

/** Renders one result as text in one format. Pure: everything it needs comes in `data`. */
export type Reporter<Data> = (data: Data) => string;

/** Loads one format's reporter on first use. */
export type ReporterLoader<Data> = () => Promise<Reporter<Data>>;

/** One result kind's formats: format name → loader, in the order `--help` lists them. */
export type ReporterTable<Data> = Readonly<Record<string, ReporterLoader<Data>>>;

/** `--format json` of every kind: one JSON document, two-space indented, with a final newline. */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A JSON output whose object carries `schemaVersion: 1` first, for outputs whose data has no
 * version of its own (windows, next, audit verify, policy explain): scripts can tell a shape change.
 */
export function versionedJsonDocument(value: object): string {
  return jsonDocument({ schemaVersion: 1, ...value });
}
