/** The case registration an accepted online application amounts to. */
import { shanghaiDate } from '../cases/deadlines.js';
import type { ApplicationForm } from '../../signaling/http/applications.js';
import type { OnlineApplication } from './model.js';

/**
 * The registration input (parsed by the case schema after): the confirmed applicant, the
 * employer with its credit code as its ID number, the claims with their total.
 */
export function caseInput(a: OnlineApplication, form: ApplicationForm): unknown {
  const employer = {
    name: form.employer.name,
    idNumber: form.employer.creditCode,
    phone: form.employer.contactPhone,
    address: form.employer.address,
    isOrganisation: true,
    legalRepresentative: form.employer.legalRepresentative,
  };
  const person = (p: {
    name: string;
    idNumber?: string | null;
    phone: string;
    address?: string | null;
  }) => ({
    name: p.name,
    idNumber: p.idNumber ?? null,
    phone: p.phone,
    address: p.address ?? null,
    isOrganisation: false,
  });
  const self = {
    name: a.applicantName,
    idNumber: a.applicantIdNumber,
    phone: a.applicantPhone,
    address: form.address,
  };
  const amounts = form.claims.map((c) => c.amount).filter((x): x is number => x !== null);
  return {
    intakeMode: 'written',
    disputeType: form.disputeType,
    source: 'party_application',
    sourceReference: a.number,
    priorityGroups: form.priorityGroups,
    receivedOn: shanghaiDate(new Date(a.submittedAt!)),
    application: {
      requests: form.requests,
      factsAndReasons: form.factsAndReasons,
      claimTypes: form.claims.map((c) => c.type),
      amountClaimed: amounts.length > 0 ? amounts.reduce((x, y) => x + y, 0) : null,
      oralRecord: null,
    },
    applicant:
      form.applicantRole === 'worker' ? person(self) : { ...employer, phone: a.applicantPhone },
    respondent: form.applicantRole === 'worker' ? employer : person(form.worker!),
  };
}
