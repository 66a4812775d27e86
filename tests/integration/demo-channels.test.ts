/**
 * The demo's loopback mail relay and SMSC (DEMO_CHANNELS, as `npm start` runs the service): a
 * served document's e-mail and SMS go through the real gateways to them, come back as delivered
 * (an address at *.invalid as failed, with the fallback), and staff read what was sent, with the
 * text, at GET /api/demo/messages (the console's 演示：已发送的短信与邮件).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface DemoMessage {
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  text: string;
  reported: 'delivered' | 'failed';
}

describe('the demo’s loopback relay and SMSC', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let caseId: string;
  let people: CasePerson[];
  const states = async (deliveryId: string) =>
    (await new SqlDocumentRepository(t.server.database).listEvents(deliveryId)).map((e) => [
      e.kind,
      e.channel,
    ]);

  async function consented(person: CasePerson, addresses: { channel: string; value: string }[]) {
    const { token } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: person.id },
    );
    await api.ok('POST', `/cases/${caseId}/service-consent`, token, {
      consentToElectronicService: true,
      addresses,
      scope: 'all',
      effectAcknowledged: true,
    });
  }

  beforeAll(async () => {
    t = await startTestServer({ DEMO_CHANNELS: 'true' });
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const c = await caseInSession(t.server.cases, staff);
    caseId = c.case.id;
    people = c.people;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('sends through them, hears back delivered, and lists what was sent with its text', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    await consented(worker, [
      { channel: 'email', value: 'worker@example.test' },
      { channel: 'sms', value: '13800000000' },
    ]);
    const { deliveries } = await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: {},
      recipients: [worker.id],
    });
    const deliveryId = deliveries[0]!.id;
    const listed = await eventually(async () => {
      const { messages } = await api.ok<{ messages: DemoMessage[] }>(
        'GET',
        '/demo/messages',
        clerk,
      );
      return messages.length >= 2 ? messages : undefined;
    }, 'both messages at the loopback gateways');
    const mail = listed.find((m) => m.channel === 'email')!;
    const sms = listed.find((m) => m.channel === 'sms')!;
    expect(mail).toMatchObject({ to: 'worker@example.test', reported: 'delivered' });
    expect(mail.subject).toContain('受理通知书');
    expect(mail.text).toMatch(/\/join#invite=/);
    expect(sms).toMatchObject({ to: '8613800000000', reported: 'delivered' });
    expect(sms.text).toMatch(/^【劳动争议调解演示】/);
    expect(sms.text).toMatch(/\/s\/[2-9a-zA-Z]{10} /);
    // The relay's report and the SMSC's receipt came back through the service's own listeners.
    await eventually(
      async () => ((await states(deliveryId)).some(([k]) => k === 'delivered') ? true : undefined),
      'delivered',
    );
    expect((await states(deliveryId))[0]).toEqual(['dispatched', 'email']);
    expect((await states(deliveryId)).filter(([k]) => k === 'delivered').length).toBe(1);
    // Parties never read the demo's list.
    const { token } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      {
        personId: worker.id,
      },
    );
    expect((await api.call('GET', '/demo/messages', token)).status).toBe(403);
  });

  it('reports an address at .invalid as failed, and the delivery falls back', async () => {
    const employer = people.find((p) => p.kind === 'respondent')!;
    await consented(employer, [{ channel: 'email', value: 'hr@company.invalid' }]);
    const { deliveries } = await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: { note: '第二份' },
      recipients: [employer.id],
    });
    await eventually(
      async () =>
        (await states(deliveries[0]!.id)).some(([k]) => k === 'offline_required')
          ? true
          : undefined,
      'offline service after the failure report',
    );
    const { messages } = await api.ok<{ messages: DemoMessage[] }>('GET', '/demo/messages', clerk);
    expect(messages.find((m) => m.to === 'hr@company.invalid')?.reported).toBe('failed');
  });
});
