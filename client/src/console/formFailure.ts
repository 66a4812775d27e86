/**
 * Why a console form's request failed, as the form shows it: the server's message after the
 * form's own prefix, and the entries the server named (a field and what is wrong with it).
 */
import { ApiError } from './api.js';

export interface FormFailure {
  message: string;
  issues: readonly string[];
}

/** A refusal or a network failure, with the form's prefix (e.g. "未能保存："). */
export function formFailure(prefix: string, err: unknown): FormFailure {
  return {
    message: `${prefix}${(err as Error).message}`,
    issues: err instanceof ApiError ? err.issues : [],
  };
}

/** A failure the form found itself, before sending anything. */
export function localFailure(message: string): FormFailure {
  return { message, issues: [] };
}
