export {
  createConfigRedactor,
  type SecretSettings,
  secretEnvNamesOf,
  webhookEnvNamesOf,
} from './config-secrets.js';
export { isSecretKey, SECRET_KEY_RULE, SECRET_TEXT_PATTERNS, type SecretTextPattern } from './patterns.js';
export {
  createRedactor,
  cutRedacted,
  REDACTED,
  type Redactor,
  type RedactorOptions,
} from './redactor.js';
export { maskSensitive } from './sensitive-tree.js';
