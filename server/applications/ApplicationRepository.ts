/** Where online applications, their codes, links and files are kept (server/db/SqlApplicationRepository.ts). */
import type {
  ApplicationCode,
  ApplicationFile,
  ApplicationStatus,
  OnlineApplication,
} from './model.js';

export interface ApplicationRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  organisations(): Promise<{ id: string; name: string }[]>;

  /** Records a solved challenge as spent; false when it was spent before (on any node). */
  spendChallenge(id: string, at: string): Promise<boolean>;
  insertCode(code: ApplicationCode): Promise<void>;
  getCode(id: string): Promise<ApplicationCode | undefined>;
  /** Counts one try while fewer than `max` were made: the tries made now, or null when none are left. */
  claimAttempt(id: string, max: number): Promise<number | null>;
  /** Marks the code used; false when it was used already (by a concurrent request). */
  useCode(id: string, at: string): Promise<boolean>;

  insertApplication(a: OnlineApplication): Promise<void>;
  get(id: string): Promise<OnlineApplication | undefined>;
  byNumber(number: string): Promise<OnlineApplication | undefined>;
  /** The newest draft of this applicant at the organisation, created after `since`. */
  openDraft(
    organisationId: string,
    idNumber: string,
    phone: string,
    since: string,
  ): Promise<OnlineApplication | undefined>;
  /** Draft → submitted with its form and number; false when it was no longer a draft. */
  submit(
    id: string,
    change: { form: string; formSha256: string; number: string; at: string },
  ): Promise<boolean>;
  /** Moves the application from one of `from` to `to`; false when it was in none of them. */
  decide(
    id: string,
    from: readonly ApplicationStatus[],
    to: ApplicationStatus,
    decision: { at: string; by: string; reason: string | null },
  ): Promise<boolean>;
  setCase(id: string, caseId: string): Promise<void>;
  /** The organisation's applications past the draft, newest submission first. */
  listSubmitted(organisationId: string): Promise<OnlineApplication[]>;

  insertLink(link: {
    tokenHash: string;
    applicationId: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void>;
  link(tokenHash: string): Promise<{ applicationId: string; expiresAt: string } | undefined>;

  insertFile(file: ApplicationFile): Promise<void>;
  files(applicationId: string): Promise<ApplicationFile[]>;
  setFileEvidence(fileId: string, evidenceId: string): Promise<void>;
  /** The evidence-store keys application files hold (kept by the store's start-up sweep). */
  fileKeys(): Promise<string[]>;
}
