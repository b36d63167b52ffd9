/** Where a value sits in a YAML file, and how a value is found in a parsed document. */

/** A path into a parsed document, as ajv's instancePath splits it: keys and array indexes. */
export type DocumentPath = readonly (string | number)[];

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /**
   * The file the value is written in, when it is not the document's own: a policy merged from
   * `extends` points each value at the file (or pack) that defined it. Spread after `file`.
   */
  file?: string;
}
