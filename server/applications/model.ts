/** Online applications as the service keeps them (the wire shapes are in signaling/http/applications.ts). */
import type { APPLICATION_STATUSES, ApplicationForm } from '../../signaling/http/applications.js';

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface OnlineApplication {
  id: string;
  organisationId: string;
  /** Given at submission (WS + Shanghai date + six random characters). */
  number: string | null;
  status: ApplicationStatus;
  /** Confirmed with the one-time code: the name and ID number as given, the mobile that got the code. */
  applicantName: string;
  applicantIdNumber: string;
  applicantPhone: string;
  form: ApplicationForm | null;
  formSha256: string | null;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  caseId: string | null;
}

export interface ApplicationCode {
  id: string;
  organisationId: string;
  challengeId: string;
  name: string;
  idNumber: string;
  phone: string;
  codeHash: string;
  salt: string;
  device: string;
  source: string;
  createdAt: string;
  expiresAt: string;
  attempts: number;
  usedAt: string | null;
}

export interface ApplicationFile {
  id: string;
  applicationId: string;
  blobKey: string;
  typeId: string;
  title: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  receivedAt: string;
  /** The evidence item it became when the case was registered. */
  evidenceId: string | null;
}
