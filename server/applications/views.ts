/** Online applications as their readers get them: the applicant (identity masked) and staff. */
import type { MediationCase } from '../cases/model.js';
import { EVIDENCE_TYPES, type EvidenceTypeId } from '../evidence/contentType.js';
import type { ApplicationView } from '../../signaling/http/applications.js';
import type { ApplicationFile, OnlineApplication } from './model.js';

export type ApplicationViewOf = ApplicationView;

/** 138****5678 */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** 310101********1234: the page travels by SMS link, so the applicant's own page masks it. */
export function maskIdNumber(id: string): string {
  return id.length > 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : '****';
}

export function fileView(f: ApplicationFile): {
  id: string;
  title: string;
  filename: string;
  mediaType: string;
  typeLabel: string;
  size: number;
  sha256: string;
  receivedAt: string;
} {
  const type = EVIDENCE_TYPES[f.typeId as EvidenceTypeId];
  return {
    id: f.id,
    title: f.title,
    filename: f.filename,
    mediaType: type?.mediaType ?? 'application/octet-stream',
    typeLabel: type?.label ?? f.typeId,
    size: f.size,
    sha256: f.sha256,
    receivedAt: f.receivedAt,
  };
}

export function applicationView(
  a: OnlineApplication,
  organisationName: string,
  files: readonly ApplicationFile[],
  c: MediationCase | null,
  reader: 'applicant' | 'staff',
): ApplicationView {
  return {
    id: a.id,
    number: a.number,
    organisationId: a.organisationId,
    organisationName,
    status: a.status,
    applicant: {
      name: a.applicantName,
      idNumber: reader === 'staff' ? a.applicantIdNumber : maskIdNumber(a.applicantIdNumber),
      phone: reader === 'staff' ? a.applicantPhone : maskPhone(a.applicantPhone),
    },
    form: a.form,
    createdAt: a.createdAt,
    submittedAt: a.submittedAt,
    decidedAt: a.decidedAt,
    reason: a.reason,
    case: c ? { id: c.id, caseNumber: c.caseNumber, status: c.status } : null,
    files: files.map(fileView),
  };
}
