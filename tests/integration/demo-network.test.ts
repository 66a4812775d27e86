/**
 * The demo as `npm start` creates it (the compiled seed-demo, then the server on its data
 * directory): the network's sub-district clerk and the centre's supervisor sign in with the
 * printed credentials, and the risk ledger, scanned by the server's first deadline pass, warns
 * of at least three kinds of risk: the ten-worker wage dispute (collective, large arrears), the
 * logistics company in three open cases across the centre and the sub-district (the centre's
 * entry), and the sub-district case whose acceptance decision is overdue. The dashboard has
 * something in every chart: the year of past work (server/cli/demoHistory.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

interface Credentials {
  username: string;
  password: string;
}
interface Entry {
  rule: string;
  organisationId: string;
  cases: { id: string }[];
}

describe('the demo network: staff of the tree and a risk ledger with something in it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'demo-network-'));
  let t: TestServer;
  let printed = '';
  let state: { clerk: Credentials; network: { streetClerk: Credentials; supervisor: Credentials } };

  beforeAll(async () => {
    const entry = 'dist/server/cli/seed-demo.js';
    if (!existsSync(entry)) throw new Error(`${entry} missing: run npm test, it builds dist/`);
    const seeded = spawnSync(process.execPath, [entry], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATA_DIR: dir,
        DATABASE_URL: '',
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'warn',
      },
    });
    expect(seeded.status, seeded.stderr).toBe(0);
    printed = seeded.stdout;
    state = JSON.parse(readFileSync(path.join(dir, 'secrets', 'demo-credentials.json'), 'utf8'));
    t = await startTestServer({ DATA_DIR: dir, DATABASE_URL: '' });
    // The first pass started with the server: wait for it (a second tick shares or follows it).
    await t.server.scheduler.tick();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the sub-district clerk, the supervisor and the ledger’s address', () => {
    expect(printed).toContain(`username ${state.network.streetClerk.username}`);
    expect(printed).toContain(`username ${state.network.supervisor.username}`);
    expect(printed).toMatch(/风险台账 Risk ledger: \S+\/console#\/risks/);
  });

  it('shows the supervisor four kinds of risk across the centre and the sub-district', async () => {
    const api = apiClient(t.url);
    const { username, password } = state.network.supervisor;
    const supervisor = await api.login(username, password);
    const { entries } = await api.ok<{ entries: Entry[] }>('GET', '/risks', supervisor);
    const rules = new Set(entries.map((e) => e.rule));
    expect([...rules].sort()).toEqual(
      ['collective_dispute', 'overdue_deadline', 'repeat_employer', 'wage_arrears'].sort(),
    );
    const employer = entries.find((e) => e.rule === 'repeat_employer')!;
    expect(employer.organisationId).toBe('demo-org');
    expect(employer.cases).toHaveLength(3);
    const overdue = entries.filter((e) => e.rule === 'overdue_deadline');
    expect(overdue.map((e) => e.organisationId)).toEqual(['demo-street-1']);

    // The sub-district's clerk sees its own entry only.
    const street = await api.login(
      state.network.streetClerk.username,
      state.network.streetClerk.password,
    );
    const own = await api.ok<{ entries: Entry[] }>('GET', '/risks', street);
    expect(own.entries.map((e) => e.rule)).toEqual(['overdue_deadline']);
  });

  it('gives the dashboard something to draw in every chart', async () => {
    const api = apiClient(t.url);
    const { username, password } = state.network.supervisor;
    const supervisor = await api.login(username, password);
    const d = await api.ok<{
      months: {
        received: number;
        medianDaysToClose: number | null;
        sessionsOnline: number;
        sessionsInPerson: number;
      }[];
      byOutcome: Record<string, number>;
      settlementRate: number | null;
      deadlines: { met: number; overdue: number }[];
      sessions: { online: number; inPerson: number };
      people: { workers: number; amountClaimed: number; collectiveCases: number };
      organisations: { id: string; received: number }[];
      mediators: { sessionsHeld: number }[];
    }>('GET', '/dashboard', supervisor);
    expect(d.months.filter((m) => m.received > 0).length).toBeGreaterThanOrEqual(8);
    expect(d.months.some((m) => m.medianDaysToClose !== null)).toBe(true);
    expect(d.byOutcome['agreement']).toBeGreaterThan(0);
    expect(d.byOutcome['termination']).toBeGreaterThan(0);
    expect(d.settlementRate).toBeGreaterThan(0);
    expect(d.deadlines.reduce((n, x) => n + x.met, 0)).toBeGreaterThan(0);
    expect(d.deadlines.reduce((n, x) => n + x.overdue, 0)).toBeGreaterThan(0);
    expect(d.sessions.online).toBeGreaterThan(0);
    expect(d.sessions.inPerson).toBeGreaterThan(0);
    expect(d.people.collectiveCases).toBe(1);
    expect(d.people.amountClaimed).toBeGreaterThan(236_000);
    const rows = new Map(d.organisations.map((o) => [o.id, o.received]));
    expect(rows.get('demo-org')).toBeGreaterThan(0);
    expect(rows.get('demo-street-1')).toBeGreaterThan(0);
    expect(d.mediators.filter((m) => m.sessionsHeld > 0).length).toBe(2);
  });

  it('lists the sub-district’s invited lawyer on the roster, with training hours', async () => {
    const api = apiClient(t.url);
    const { username, password } = state.network.supervisor;
    const supervisor = await api.login(username, password);
    const { mediators } = await api.ok<{
      mediators: { organisationId: string; mediatorKind: string; trainingHoursTotal: number }[];
    }>('GET', '/roster', supervisor);
    expect(mediators.find((m) => m.organisationId === 'demo-street-1')).toMatchObject({
      mediatorKind: 'invited',
      trainingHoursTotal: 24,
    });
    expect(mediators.filter((m) => m.trainingHoursTotal > 0)).toHaveLength(2);
  });
});
