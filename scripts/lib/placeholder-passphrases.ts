/**
 * Passphrases of the committed stack files. Their secure values are clearly fake placeholders; the
 * README says to move the shared stacks to a key held in Australia before a real value goes in. The
 * local stack's is the documented local-only default (scripts/env.sh).
 */
export const PLACEHOLDER_PASSPHRASES: Readonly<Record<string, string>> = {
  local: "local-only-not-a-secret",
  dev: "placeholder-dev-passphrase-not-a-secret",
  staging: "placeholder-staging-passphrase-not-a-secret",
  production: "placeholder-production-passphrase-not-a-secret",
};
