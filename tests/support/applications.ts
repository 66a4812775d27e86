/**
 * Online applications in tests: a form that passes the contract, the codes and links the
 * outbox holds for a mobile number, and the API steps from challenge to submission.
 */
import { solveChallenge } from '../../server/applications/proofOfWork.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import type { ApplicationForm } from '../../signaling/http/applications.js';
import { creditCodeCheckChar, residentIdCheckChar } from '../../signaling/identifiers.js';
import type { Api } from './evidenceHttp.js';

/** A valid resident ID number: region, birth date, a three-digit sequence, and its check char. */
export function residentId(region = '310101', birth = '19900101', seq = 123): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** A valid unified social credit code (a company registered in Shanghai). */
export function creditCode(org = 'MA1FL0001'): string {
  const first17 = `91310115${org}`;
  return first17 + creditCodeCheckChar(first17);
}

let phoneSeq = 0;
/** A fresh mobile number per call (limits count per number). */
export function mobile(): string {
  phoneSeq += 1;
  return `139${String(10_000_000 + phoneSeq * 7919).slice(-8)}`;
}

/** A worker's application against its employer, wages owed. */
export function applicationForm(overrides: Partial<ApplicationForm> = {}): ApplicationForm {
  return {
    applicantRole: 'worker',
    address: '上海市浦东新区张杨路 100 弄 1 号',
    employer: {
      name: '上海某某建筑劳务有限公司',
      creditCode: creditCode(),
      address: '上海市浦东新区世纪大道 1 号',
      legalRepresentative: '王五',
      contactPhone: '13800138000',
    },
    worker: null,
    disputeType: 'wages',
    priorityGroups: ['migrant_worker'],
    claims: [
      { type: 'wages', amount: 18_600 },
      { type: 'economic_compensation', amount: 6_000 },
    ],
    requests: '支付拖欠的 2026 年 8 月至 10 月工资 18600 元及经济补偿 6000 元。',
    factsAndReasons:
      '本人于 2025 年 3 月入职，担任钢筋工，月工资 6200 元。2026 年 8 月起公司未按时发放工资，经多次催要未果。',
    consentToElectronicService: true,
    truthful: true,
    ...overrides,
  };
}

/** Messages the outbox holds for an address, oldest first. */
export async function outboxFor(
  database: SqlClient,
  address: string,
): Promise<{ purpose: string; body: string; caseId: string; personId: string | null }[]> {
  const all = await new SqlDocumentRepository(database).listOutbox({});
  return all.filter((m) => m.address === address);
}

/** The last six-digit code sent to the number. */
export async function lastCode(database: SqlClient, phone: string): Promise<string> {
  const codes = (await outboxFor(database, phone)).filter((m) => m.purpose === 'application_code');
  const code = /验证码 (\d{6})/.exec(codes.at(-1)?.body ?? '')?.[1];
  if (!code) throw new Error(`no code sent to ${phone}`);
  return code;
}

/** The token of the last link of a kind sent to the number (`status` or `invite`). */
export async function lastLinkToken(
  database: SqlClient,
  phone: string,
  kind: 'status' | 'invite',
): Promise<string> {
  const bodies = (await outboxFor(database, phone)).map((m) => m.body);
  for (const body of bodies.reverse()) {
    if (kind === 'status') {
      const token = /#status=([A-Za-z0-9_-]+)/.exec(body)?.[1];
      if (token) return token;
      continue;
    }
    // Case links go by SMS as short links: opened as the phone would, to the full link.
    const short = /https?:\/\/\S+\/s\/[2-9a-zA-Z]{10}/.exec(body)?.[0];
    if (!short) continue;
    const opened = await fetch(short, { redirect: 'manual' });
    const token = /#invite=([A-Za-z0-9._-]+)/.exec(opened.headers.get('location') ?? '')?.[1];
    if (token) return token;
  }
  throw new Error(`no ${kind} link sent to ${phone}`);
}

export interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
  /** Needed when the service has more than one organisation. */
  organisationId?: string;
}

let deviceSeq = 0;
/** Headers of a fresh device at a fresh address. */
export function freshDevice(): Record<string, string> {
  deviceSeq += 1;
  return {
    'x-device-id': `test-device-${deviceSeq}-${process.pid}`,
    'x-forwarded-for': `10.77.${Math.floor(deviceSeq / 250)}.${(deviceSeq % 250) + 1}`,
  };
}

/** POSTs JSON to the public API with the given headers. */
export async function publicPost(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A solved challenge from the server. */
export async function solvedPow(baseUrl: string): Promise<{ challenge: string; nonce: string }> {
  const c = await publicPost(baseUrl, '/public/applications/challenge', {});
  const challenge = c.body['challenge'] as string;
  return { challenge, nonce: solveChallenge(challenge, c.body['bits'] as number) };
}

/** Challenge → code → draft: the applicant's token and draft id. */
export async function openDraft(
  baseUrl: string,
  database: SqlClient,
  who: Applicant,
  headers: Record<string, string> = freshDevice(),
): Promise<{ token: string; applicationId: string }> {
  const sent = await publicPost(
    baseUrl,
    '/public/applications/codes',
    { ...who, pow: await solvedPow(baseUrl) },
    headers,
  );
  if (sent.status !== 202) throw new Error(`code: ${sent.status} ${JSON.stringify(sent.body)}`);
  const checked = await publicPost(
    baseUrl,
    `/public/applications/codes/${sent.body['verificationId'] as string}`,
    { code: await lastCode(database, who.phone) },
    headers,
  );
  if (checked.status !== 200)
    throw new Error(`check: ${checked.status} ${JSON.stringify(checked.body)}`);
  return {
    token: checked.body['token'] as string,
    applicationId: (checked.body['application'] as { id: string }).id,
  };
}

/** A submitted application: its id, number and the applicant's token. */
export async function submittedApplication(
  baseUrl: string,
  api: Api,
  database: SqlClient,
  who: Applicant,
  form: ApplicationForm = applicationForm(),
  organisationId?: string,
): Promise<{ token: string; id: string; number: string }> {
  const { token, applicationId } = await openDraft(baseUrl, database, {
    ...who,
    ...(organisationId ? { organisationId } : {}),
  });
  const { application } = await api.ok<{ application: { number: string } }>(
    'POST',
    '/public/applications/mine/submit',
    token,
    form,
  );
  return { token, id: applicationId, number: application.number };
}
