import jsYaml from 'js-yaml';

/**
 * js-yaml's "core" schema resolves numbers the YAML 1.1 way in places: `0b101` is an integer,
 * `-0x1F` is signed, `-.5` stays text. The positional parser (`yaml`) follows the YAML 1.2 core
 * schema, where `0b101` and `-0x1F` are strings and `-.5` is a float. The fast path must read every
 * plain scalar exactly as the positional parser does, or a key like `0b0` would silently become `0`;
 * so its null, booleans, integers and floats are the YAML 1.2 core rules, written out here.
 */

// YAML 1.2.2 §10.3.2 (core schema tag resolution), as `yaml` 2 implements it.
const INT_DECIMAL = /^[-+]?[0-9]+$/;
const INT_OCTAL = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXPONENT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_PLAIN = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (text: string) => NULL.test(text),
  construct: () => null,
});

const boolean = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (text: string) => BOOLEAN.test(text),
  construct: (text: string) => text.toLowerCase() === 'true',
});

const int = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (text: string) => INT_DECIMAL.test(text) || INT_OCTAL.test(text) || INT_HEX.test(text),
  construct: (text: string) => {
    if (INT_OCTAL.test(text)) return Number.parseInt(text.slice(2), 8);
    if (INT_HEX.test(text)) return Number.parseInt(text.slice(2), 16);
    return Number.parseInt(text, 10);
  },
});

const float = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (text: string) => FLOAT_SPECIAL.test(text) || FLOAT_EXPONENT.test(text) || FLOAT_PLAIN.test(text),
  construct: (text: string) => {
    if (!FLOAT_SPECIAL.test(text)) return Number.parseFloat(text);
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
});

/** The YAML 1.2 core schema for js-yaml: strings, lists and mappings, then these four, in this order. */
export const YAML_12_CORE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolean, int, float],
});
