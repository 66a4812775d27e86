/**
 * Staff password policy: besides a minimum length, a password must not be
 * guessable — rated by zxcvbn-ts (dictionaries of common passwords, names,
 * keyboard patterns, dates, l33t) with the person's username, name and
 * organisation as extra words it must not lean on. Score 3 of 4 ("safely
 * unguessable": about 10^8 guesses or more) is the floor.
 */
import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEn from '@zxcvbn-ts/language-en';
import { fail } from '../errors.js';

/**
 * The estimator and its dictionaries take a quarter of a second to load: loaded when
 * the first password is rated (CommonJS builds, so rating stays synchronous), not by
 * every process that imports the service.
 */
const require = createRequire(import.meta.url);

export const MIN_PASSWORD_SCORE = 3;
/** Only this many characters are rated (the estimator's work grows fast with length). */
const RATED_LENGTH = 64;

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  if (estimator) return estimator;
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof ZxcvbnCore;
  const common = require('@zxcvbn-ts/language-common') as typeof LanguageCommon;
  const en = require('@zxcvbn-ts/language-en') as typeof LanguageEn;
  estimator = new Factory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: RATED_LENGTH,
  });
  return estimator;
}

export interface PasswordRating {
  score: number;
  warning: string | null;
  suggestions: string[];
}

export function ratePassword(password: string, userInputs: string[]): PasswordRating {
  const words = userInputs.flatMap((w) => [w, ...w.split(/[\s._@-]+/)]).filter((w) => w.length > 1);
  const result = zxcvbn().check(password, words);
  return {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  };
}

/** Refuses a weak password with the estimator's feedback as the issues. */
export function assertStrongPassword(password: string, userInputs: string[]): void {
  const rating = ratePassword(password, userInputs);
  if (rating.score >= MIN_PASSWORD_SCORE) return;
  throw fail('PASSWORD_TOO_WEAK', { score: rating.score, min: MIN_PASSWORD_SCORE }).withIssues([
    ...(rating.warning ? [`password: ${rating.warning}`] : []),
    ...rating.suggestions.map((s) => `password: ${s}`),
    ...(rating.warning || rating.suggestions.length
      ? []
      : ['password: use a longer passphrase of uncommon words']),
  ]);
}
