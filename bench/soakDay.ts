/**
 * One session of bench:soak's working day, as its users live it: opened, joined,
 * evidence uploaded, perhaps recorded or settled, ended, everyone gone. Runs inside
 * the service's process (it needs the case service and the live sessions).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StaffFixture } from '../tests/support/cases.js';
import { TEST_PASSWORD, caseInSession } from '../tests/support/cases.js';
import { connectClient, joinSession, type TestClient } from '../tests/support/client.js';
import { enrolledToken } from '../tests/support/enrol.js';
import { apiClient, freshAddress, type Api } from '../tests/support/evidenceHttp.js';
import { settledCase } from '../tests/support/settledCase.js';
import { publishSynthetic, type SyntheticMedia } from '../tests/support/syntheticMedia.js';
import type { BenchService } from './common.js';

export interface SoakSessionOptions {
  /** Seconds to record (0: not recorded). */
  record: number;
  /** Also settle a whole case through the API (documents served, signed, sealed). */
  settle: boolean;
  evidenceBytes: number;
  index: number;
}

/** Staff sign-ins, made once per process (the service's sign-in is rate limited). */
const signedIn = new WeakMap<StaffFixture, Promise<{ clerk: string; mediator: string }>>();

function staffTokens(api: Api, staff: StaffFixture): Promise<{ clerk: string; mediator: string }> {
  let tokens = signedIn.get(staff);
  if (!tokens) {
    tokens = (async () => ({
      clerk: await api.login(staff.clerk.username, TEST_PASSWORD),
      mediator: await api.login(staff.mediator.username, TEST_PASSWORD),
    }))();
    signedIn.set(staff, tokens);
  }
  return tokens;
}

/** A plain-text payslip of about `bytes` bytes. */
function payslip(bytes: number, index: number): Buffer {
  const line = `2026年${(index % 12) + 1}月 应发工资 8000 元 实发工资 0 元 欠发 8000 元\n`;
  return Buffer.from(line.repeat(Math.ceil(bytes / Buffer.byteLength(line))));
}

export async function soakSession(
  service: BenchService,
  staff: StaffFixture,
  options: SoakSessionOptions,
): Promise<void> {
  const { server, url } = service;
  const api = apiClient(url);
  const { clerk, mediator: mediatorToken } = await staffTokens(api, staff);
  const made = await caseInSession(server.cases, staff);
  const caseId = made.case.id;
  const sessionId = made.session.id;
  const applicant = made.people.find((p) => p.kind === 'applicant')!;
  const respondent = made.people.find((p) => p.kind === 'respondent')!;
  const clients: TestClient[] = [];
  const media: SyntheticMedia[] = [];
  const connect = async (sub: string, role: 'mediator' | 'party', name: string) => {
    const token = await enrolledToken(server, { sub, caseId, sessionId, role, name }, 600);
    const client = await connectClient(url, token);
    clients.push(client);
    return client;
  };
  try {
    // The mediator opens the session from the console, then joins it.
    await api.ok('POST', `/sessions/${sessionId}/start`, mediatorToken);
    const mediator = await connect(staff.mediator.id, 'mediator', staff.mediator.name);
    await joinSession(mediator);
    const worker = await connect(applicant.id, 'party', applicant.name);
    await joinSession(worker, { admitBy: mediator });
    let employer = await connect(respondent.id, 'party', respondent.name);
    await joinSession(employer, { admitBy: mediator });

    await worker.request('chat:send', { text: `第${options.index}次调解：申请人发言` });
    await worker.request('hand:raise', { raised: true });
    await worker.request('hand:raise', { raised: false });

    // The respondent drops out and comes back (a phone changing networks).
    employer.close();
    employer = await connect(respondent.id, 'party', respondent.name);
    await joinSession(employer, { admitBy: mediator });

    // Evidence from the applicant's own invitation, as the join page uploads it.
    const { token: invitation } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    const upload = await api.upload(
      caseId,
      invitation,
      payslip(options.evidenceBytes, options.index),
      `工资条${options.index}.txt`,
    );
    if (upload.status !== 201 && upload.status !== 200)
      throw new Error(`evidence upload: ${upload.status} ${JSON.stringify(upload.body)}`);

    if (options.record > 0) {
      const live = server.sessions.get(sessionId);
      if (!live) throw new Error('no live session to record');
      media.push(await publishSynthetic(live, staff.mediator.id, { frequency: 300 }));
      media.push(await publishSynthetic(live, applicant.id, { frequency: 500 }));
      const { recording } = await mediator.request('recording:start', {});
      await worker.request('recording:acknowledge', { recordingId: recording.recordingId });
      await sleep(options.record * 1000);
      await mediator.request('recording:stop', {});
      for (const m of media.splice(0)) m.stop();
    }

    await api.ok('POST', `/sessions/${sessionId}/end`, mediatorToken);
  } finally {
    for (const m of media) m.stop();
    for (const c of clients) c.close();
  }
  if (options.settle) {
    // Each settled case's parties have their own numbers and addresses, as real ones do
    // (signing codes are limited per number, code checks per address).
    const n = String(options.index).padStart(4, '0');
    await settledCase(service, apiClient(url, freshAddress()), {
      phones: { applicant: `1390000${n}`, respondent: `1370000${n}` },
    });
  }
}
