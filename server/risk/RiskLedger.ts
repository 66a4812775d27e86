/**
 * The risk ledger (风险台账) and its early warning (issue 21). A scan runs the rules (rules.ts)
 * over every organisation's cases with that organisation's thresholds and keeps the ledger in
 * step: a new hit opens an entry and raises the alert; a hit on an open entry refreshes its
 * figures; an open entry whose condition went away is marked cleared but stays open until a
 * clerk closes it with a note. A closed entry keeps its subject quiet while the condition still
 * holds (it was handled); once the condition has cleared, a recurrence opens a new entry.
 *
 * Who sees what: a clerk the entries of their own organisation (and acts on them); a mediator
 * the entries that name one of their cases (and acts on those they own); a supervisor every
 * organisation's in their reach (reading only).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { riskActionView, riskEntryView, riskListQuery } from '../../signaling/http/risks.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { shanghaiDate } from '../cases/deadlines.js';
import { clip, NOTICE_MAX_CHARS } from '../channels/smsText.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import { fail, NotFoundError } from '../errors.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import { ancestry, subtree } from '../organisations/tree.js';
import type { RiskAction, RiskEntry, RiskRepository } from './RiskRepository.js';
import {
  DEFAULT_RISK_SETTINGS,
  evaluateRisks,
  type RiskCase,
  type RiskHit,
  type RiskRule,
  type RiskSettings,
} from './rules.js';

type Cases = Pick<
  CaseRepository,
  | 'listOrganisations'
  | 'listCases'
  | 'listOrganisationDeadlines'
  | 'countOrganisationParties'
  | 'organisationClaimed'
>;

export const RISK_RULE_LABELS: Record<RiskRule, string> = {
  collective_dispute: '集体劳动争议',
  wage_arrears: '大额欠薪',
  repeat_employer: '同一用人单位多案',
  overdue_deadline: '办案期限逾期',
  unperformed_agreement: '调解协议未履行',
  failed_sessions: '调解会议多次未成',
};

export type RiskEntryView = z.output<typeof riskEntryView>;
export type RiskActionView = z.output<typeof riskActionView>;
export interface RiskDetail {
  entry: RiskEntryView;
  actions: RiskActionView[];
}

export interface RiskLedgerDeps {
  repo: RiskRepository;
  cases: Cases;
  notifications: NotificationChannel;
  logger: Logger;
  /** Several processes on one database: one scan at a time. */
  jobs?: JobClaims;
  now?: () => Date;
}

/** The figures of a hit in a sentence (the 'opened' step and the alert). */
export function describeHit(h: Pick<RiskHit, 'rule' | 'label' | 'figures'>): string {
  const f = h.figures;
  switch (h.rule) {
    case 'collective_dispute':
      return `案件 ${h.label} 涉及劳动者 ${f['workers']} 人（预警线 ${f['threshold']} 人）`;
    case 'wage_arrears':
      return `案件 ${h.label} 请求欠薪 ${f['amountClaimed']} 元（预警线 ${f['threshold']} 元）`;
    case 'repeat_employer':
      return `用人单位“${h.label}”有 ${f['openCases']} 件在办案件（预警线 ${f['threshold']} 件）`;
    case 'overdue_deadline':
      return `案件 ${h.label} 的期限（${f['deadline']}）于 ${f['dueOn']} 届满，已逾期 ${f['daysOverdue']} 天`;
    case 'unperformed_agreement':
      return (
        `案件 ${h.label} 的调解协议未履行：未履行 ${f['notPerformed']} 人，部分履行 ${f['partlyPerformed']} 人` +
        (f['dueOn'] ? `，履行期限 ${f['dueOn']} 已过 ${f['daysOverdue']} 天` : '')
      );
    case 'failed_sessions':
      return `案件 ${h.label} 的调解会议取消 ${f['cancelled']} 次、未如期召开 ${f['missed']} 次`;
  }
}

export class RiskLedger {
  readonly #repo: RiskRepository;
  readonly #cases: Cases;
  readonly #notifications: NotificationChannel;
  readonly #logger: Logger;
  readonly #jobs: JobClaims | undefined;
  readonly #now: () => Date;
  #running: Promise<ScanResult> | undefined;
  #queued: Promise<ScanResult> | undefined;

  constructor(d: RiskLedgerDeps) {
    this.#repo = d.repo;
    this.#cases = d.cases;
    this.#notifications = d.notifications;
    this.#logger = d.logger.child({ component: 'risk-ledger' });
    this.#jobs = d.jobs;
    this.#now = d.now ?? (() => new Date());
  }

  /**
   * One scan that starts after this call: a call while a scan runs waits for a second one
   * (shared by every call made meanwhile), so data changed just before is always seen. Another
   * process holding the lease scans instead of this one (the result is then all zeros).
   */
  scan(): Promise<ScanResult> {
    if (!this.#running) return this.#start();
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    return this.#queued;
  }

  #start(): Promise<ScanResult> {
    const p: Promise<ScanResult> = this.#scanOnce().finally(() => {
      if (this.#running === p) this.#running = undefined;
    });
    this.#running = p;
    return p;
  }

  /** A clerk's "scan now": the same scan the deadline pass runs. */
  async scanAs(actor: Actor): Promise<ScanResult> {
    authorizeStaff(actor, ['clerk']);
    return this.scan();
  }

  async #scanOnce(): Promise<ScanResult> {
    const jobs = this.#jobs;
    if (jobs && !(await jobs.leases.claim('risk-scan', jobs.owner, jobs.leaseMs)))
      return { opened: 0, updated: 0, cleared: 0 };
    try {
      return await this.#reconcile();
    } finally {
      if (jobs) await jobs.leases.release('risk-scan', jobs.owner);
    }
  }

  async #reconcile(): Promise<ScanResult> {
    const now = this.#now();
    const at = now.toISOString();
    const tree = await this.#cases.listOrganisations();
    const settings = await this.#repo.allSettings();
    const settingsOf = (id: string) => settings.get(id) ?? DEFAULT_RISK_SETTINGS;
    const cases: RiskCase[] = [];
    for (const o of tree) cases.push(...(await this.#inputs(o.id)));
    const hits = evaluateRisks(tree, cases, settingsOf, now, shanghaiDate(now));

    const tracked = new Map<string, RiskEntry>();
    const all = await this.#repo.tracked();
    // An open entry wins over a closed one of the same subject.
    for (const e of all) {
      const k = `${e.organisationId}|${e.subject}`;
      if (!tracked.has(k) || e.status === 'open') tracked.set(k, e);
    }
    const result: ScanResult = { opened: 0, updated: 0, cleared: 0 };
    const seen = new Set<string>();
    for (const h of hits) {
      const k = `${h.organisationId}|${h.subject}`;
      seen.add(k);
      const e = tracked.get(k);
      if (!e) {
        if (await this.#open(h, at)) result.opened += 1;
        continue;
      }
      // Closed while the condition still holds: handled; nothing until it clears.
      if (e.status === 'closed') continue;
      const same =
        e.active &&
        e.level === h.level &&
        e.label === h.label &&
        JSON.stringify(e.figures) === JSON.stringify(h.figures) &&
        JSON.stringify(e.caseIds) === JSON.stringify(h.caseIds);
      if (same) continue;
      await this.#repo.transaction(async () => {
        await this.#repo.updateEntry(e.id, {
          ...pick(h),
          active: true,
          clearedAt: null,
          updatedAt: at,
        });
        if (!e.active)
          await this.#repo.insertAction(step(e.id, 'recurred', describeHit(h), null, at));
      });
      result.updated += 1;
    }
    // Every entry whose condition went away, a closed one behind an open one of its subject too.
    for (const e of all) {
      if (seen.has(`${e.organisationId}|${e.subject}`) || !e.active) continue;
      await this.#repo.transaction(async () => {
        await this.#repo.updateEntry(e.id, {
          ...pick(e),
          active: false,
          clearedAt: at,
          updatedAt: at,
        });
        if (e.status === 'open')
          await this.#repo.insertAction(
            step(
              e.id,
              'cleared',
              '预警条件已不再满足，待销号 / The condition no longer holds',
              null,
              at,
            ),
          );
      });
      result.cleared += 1;
    }
    if (result.opened + result.updated + result.cleared > 0)
      this.#logger.info(result, 'risk ledger scanned');
    return result;
  }

  async #inputs(organisationId: string): Promise<RiskCase[]> {
    const [list, deadlines, parties, claimed, signals] = await Promise.all([
      this.#cases.listCases({ organisationId }),
      this.#cases.listOrganisationDeadlines(organisationId),
      this.#cases.countOrganisationParties(organisationId),
      this.#cases.organisationClaimed(organisationId),
      this.#repo.caseSignals(organisationId),
    ]);
    const byCase = new Map<string, RiskCase['deadlines']>();
    for (const d of deadlines) byCase.set(d.caseId, [...(byCase.get(d.caseId) ?? []), d]);
    return list.map((c) => ({
      case: c,
      workers: parties.get(c.id)?.persons ?? 0,
      amountClaimed: claimed.get(c.id) ?? c.application.amountClaimed,
      employers: signals.employers.get(c.id) ?? [],
      deadlines: byCase.get(c.id) ?? [],
      sessions: signals.sessions.get(c.id) ?? [],
      latestPerformance: signals.latestPerformance.get(c.id) ?? [],
    }));
  }

  /** A new entry, its first step and the alert; false when another scan opened it first. */
  async #open(h: RiskHit, at: string): Promise<boolean> {
    const entry: RiskEntry = {
      id: randomUUID(),
      ...pick(h),
      organisationId: h.organisationId,
      rule: h.rule,
      subject: h.subject,
      status: 'open',
      active: true,
      openedAt: at,
      updatedAt: at,
      clearedAt: null,
      ownerId: null,
      closedAt: null,
      closedBy: null,
      closingNote: null,
    };
    const text = describeHit(h);
    const inserted = await this.#repo.transaction(async () => {
      if (!(await this.#repo.insertEntry(entry))) return false;
      await this.#repo.insertAction(step(entry.id, 'opened', text, null, at));
      return true;
    });
    if (inserted) await this.#alert(entry, text);
    return inserted;
  }

  /**
   * The alert: an in-app message to the organisation's clerks and to every supervisor above
   * it (or at it), and to the duty e-mail address and mobile its settings name. No party's
   * name or contact is in it: the case number and the figures only.
   */
  async #alert(e: RiskEntry, text: string): Promise<void> {
    try {
      const tree = await this.#cases.listOrganisations();
      const org = tree.find((o) => o.id === e.organisationId);
      const upward = ancestry(tree, e.organisationId).map((o) => o.id);
      const people = (await this.#repo.staff(upward)).filter(
        (s) =>
          s.active &&
          ((s.role === 'clerk' && s.organisationId === e.organisationId) ||
            s.role === 'supervisor'),
      );
      const settings = (await this.#repo.settings(e.organisationId)) ?? DEFAULT_RISK_SETTINGS;
      const rule = RISK_RULE_LABELS[e.rule];
      const subject = `风险预警：${rule} / Risk alert: ${e.rule.replace(/_/g, ' ')}`;
      const body = `${org?.name ?? ''}风险台账新增预警（${rule}）：${text}。请登录调解平台“风险台账”认领处置。`;
      const caseId = e.caseIds[0] ?? '';
      for (const s of people)
        await this.#notifications.send({
          caseId,
          personId: s.id,
          channel: 'in_app',
          address: `staff:${s.id}`,
          purpose: 'risk_alert',
          subject,
          body,
        });
      if (settings.alertEmail)
        await this.#notifications.send({
          ...{ caseId, personId: null, channel: 'email', address: settings.alertEmail },
          ...{ purpose: 'risk_alert', subject, body },
        });
      if (settings.alertPhone)
        await this.#notifications.send({
          ...{ caseId, personId: null, channel: 'sms', address: settings.alertPhone },
          ...{ purpose: 'risk_alert', subject, body: clip(body, NOTICE_MAX_CHARS - 12) },
        });
    } catch (error) {
      // The entry stands; the console shows it whatever became of the messages.
      this.#logger.error({ err: error, riskId: e.id }, 'risk alert not sent');
    }
  }

  /** The organisations whose entries the actor reads. */
  #readable(actor: Actor): { staff: Extract<Actor, { kind: 'staff' }>; organisations: string[] } {
    const staff = authorizeStaff(actor, ['clerk', 'mediator', 'supervisor']);
    return {
      staff,
      organisations:
        staff.role === 'supervisor' ? [...(staff.reach ?? [])] : [staff.organisationId],
    };
  }

  async list(
    actor: Actor,
    query: z.output<typeof riskListQuery>,
  ): Promise<{ entries: RiskEntryView[]; unowned: number }> {
    const { staff, organisations } = this.#readable(actor);
    let ids = organisations;
    if (query.organisationId !== undefined) {
      if (!organisations.includes(query.organisationId)) throw new NotFoundError('Organisation');
      ids = [query.organisationId];
    }
    let entries = await this.#repo.listEntries(ids, query.status ?? 'open');
    if (staff.role === 'mediator') {
      const mine = await this.#mediatorCases(staff);
      entries = entries.filter((e) => e.caseIds.some((id) => mine.has(id)));
    }
    const views = await this.#views(entries);
    return {
      entries: views,
      unowned: entries.filter((e) => e.status === 'open' && e.ownerId === null).length,
    };
  }

  async get(actor: Actor, riskId: string): Promise<RiskDetail> {
    await this.#readableEntry(actor, riskId);
    return this.#detail(riskId);
  }

  async setOwner(actor: Actor, riskId: string, staffId: string): Promise<RiskDetail> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const e = await this.#readableEntry(actor, riskId);
    const owner = (await this.#repo.staff([e.organisationId])).find(
      (s) => s.id === staffId && s.active && (s.role === 'clerk' || s.role === 'mediator'),
    );
    if (!owner) throw fail('RISK_OWNER_UNKNOWN');
    const at = this.#now().toISOString();
    await this.#repo.transaction(async () => {
      if (!(await this.#repo.setOwner(riskId, owner.id, at))) throw fail('RISK_ENTRY_CLOSED');
      await this.#repo.insertAction(
        step(riskId, 'owner', `责任人：${owner.displayName}`, clerk.id, at),
      );
    });
    return this.#detail(riskId);
  }

  async addAction(actor: Actor, riskId: string, note: string): Promise<RiskDetail> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    const e = await this.#readableEntry(actor, riskId);
    if (staff.role !== 'clerk' && e.ownerId !== staff.id) throw fail('RISK_OWNER_OR_CLERK');
    if (e.status !== 'open') throw fail('RISK_ENTRY_CLOSED');
    await this.#repo.insertAction(
      step(riskId, 'action', note, staff.id, this.#now().toISOString()),
    );
    return this.#detail(riskId);
  }

  async close(actor: Actor, riskId: string, note: string): Promise<RiskDetail> {
    const clerk = authorizeStaff(actor, ['clerk']);
    await this.#readableEntry(actor, riskId);
    const at = this.#now().toISOString();
    await this.#repo.transaction(async () => {
      if (!(await this.#repo.close(riskId, clerk.id, at, note))) throw fail('RISK_ENTRY_CLOSED');
      await this.#repo.insertAction(step(riskId, 'closed', note, clerk.id, at));
    });
    this.#logger.info({ riskId, by: clerk.id }, 'risk ledger entry closed');
    return this.#detail(riskId);
  }

  /** An organisation's thresholds: its staff, supervisors above it, clerks above it. */
  async settings(
    actor: Actor,
    organisationId: string,
  ): Promise<{ settings: RiskSettings; defaults: boolean }> {
    await this.#settingsReach(actor, organisationId);
    const own = await this.#repo.settings(organisationId);
    return { settings: own ?? DEFAULT_RISK_SETTINGS, defaults: own === undefined };
  }

  async setSettings(
    actor: Actor,
    organisationId: string,
    s: RiskSettings,
  ): Promise<{ settings: RiskSettings; defaults: boolean }> {
    const clerk = authorizeStaff(actor, ['clerk']);
    await this.#settingsReach(actor, organisationId);
    await this.#repo.saveSettings(organisationId, s, this.#now().toISOString(), clerk.id);
    this.#logger.info({ organisationId, by: clerk.id }, 'risk thresholds set');
    return { settings: s, defaults: false };
  }

  async #settingsReach(actor: Actor, organisationId: string): Promise<void> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator', 'supervisor']);
    const reach =
      staff.role === 'mediator'
        ? [staff.organisationId]
        : staff.role === 'supervisor'
          ? [...(staff.reach ?? [])]
          : subtree(await this.#cases.listOrganisations(), staff.organisationId).map((o) => o.id);
    if (!reach.includes(organisationId)) throw new NotFoundError('Organisation');
  }

  async #mediatorCases(staff: { id: string; organisationId: string }): Promise<Set<string>> {
    const list = await this.#cases.listCases({
      organisationId: staff.organisationId,
      mediatorId: staff.id,
    });
    return new Set(list.map((c) => c.id));
  }

  /** The entry when the actor may read it; anything else is not found (its existence hidden). */
  async #readableEntry(actor: Actor, riskId: string): Promise<RiskEntry> {
    const { staff, organisations } = this.#readable(actor);
    const e = await this.#repo.getEntry(riskId);
    if (!e || !organisations.includes(e.organisationId)) throw new NotFoundError('Risk entry');
    if (staff.role === 'mediator') {
      const mine = await this.#mediatorCases(staff);
      if (!e.caseIds.some((id) => mine.has(id))) throw new NotFoundError('Risk entry');
    }
    return e;
  }

  async #detail(riskId: string): Promise<RiskDetail> {
    const e = await this.#repo.getEntry(riskId);
    if (!e) throw new NotFoundError('Risk entry');
    const actions = await this.#repo.listActions(riskId);
    const [entry] = await this.#views([e]);
    const names = await this.#staffNames(
      [e.organisationId],
      actions.map((a) => a.by),
    );
    return {
      entry: entry!,
      actions: actions.map((a) => ({
        id: a.id,
        kind: a.kind,
        note: a.note,
        by: a.by,
        byName: a.by ? (names.get(a.by) ?? null) : null,
        at: a.at,
      })),
    };
  }

  async #staffNames(
    organisationIds: string[],
    ids: readonly (string | null)[],
  ): Promise<Map<string, string>> {
    if (!ids.some((x) => x !== null)) return new Map();
    // Supervisors above the organisation may have acted too (they read only, but stay named).
    const tree = await this.#cases.listOrganisations();
    const around = new Set(organisationIds.flatMap((id) => ancestry(tree, id).map((o) => o.id)));
    return new Map((await this.#repo.staff([...around])).map((s) => [s.id, s.displayName]));
  }

  async #views(entries: readonly RiskEntry[]): Promise<RiskEntryView[]> {
    if (entries.length === 0) return [];
    const tree = await this.#cases.listOrganisations();
    const orgNames = new Map(tree.map((o) => [o.id, o.name]));
    const organisationIds = [...new Set(entries.map((e) => e.organisationId))];
    const names = await this.#staffNames(
      organisationIds,
      entries.map((e) => e.ownerId),
    );
    const numbers = new Map<string, string>();
    // An employer's entry at a centre names cases of the organisations below it.
    const below = new Set(organisationIds.flatMap((id) => subtree(tree, id).map((o) => o.id)));
    for (const organisationId of below)
      for (const c of await this.#cases.listCases({ organisationId }))
        numbers.set(c.id, c.caseNumber);
    return entries.map((e) => ({
      id: e.id,
      organisationId: e.organisationId,
      organisationName: orgNames.get(e.organisationId) ?? '',
      rule: e.rule,
      level: e.level,
      subject: e.label,
      figures: e.figures,
      // A case moved to another organisation since keeps its place by id; its number is current.
      cases: e.caseIds.map((id) => ({ id, caseNumber: numbers.get(id) ?? '' })),
      status: e.status,
      active: e.active,
      openedAt: e.openedAt,
      updatedAt: e.updatedAt,
      owner: e.ownerId ? { id: e.ownerId, displayName: names.get(e.ownerId) ?? '' } : null,
      closedAt: e.closedAt,
      closingNote: e.closingNote,
    }));
  }
}

export interface ScanResult {
  opened: number;
  updated: number;
  cleared: number;
}

function pick(h: Pick<RiskHit, 'level' | 'label' | 'figures' | 'caseIds'>) {
  return { level: h.level, label: h.label, figures: h.figures, caseIds: h.caseIds };
}

function step(
  riskId: string,
  kind: RiskAction['kind'],
  note: string,
  by: string | null,
  at: string,
): RiskAction {
  return { id: randomUUID(), riskId, kind, note, by, at };
}
