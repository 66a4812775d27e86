/**
 * Statistics reports sent upward (统计报表, issue 21): a month's or a quarter's figures of an
 * organisation and those below it (the dashboard's, organisations/dashboard.ts), rendered as a
 * PDF with the CJK font like every other document and as a CSV, stored, each file's SHA-256
 * kept, and the report signed with the service's key. A report is fixed once made: asking for
 * it again returns it as it is. Made on a clerk's request, and by the schedule for every
 * organisation once a month or a quarter has ended; each new report is announced in the app to
 * the clerks of the organisation above and to the supervisors above it.
 *
 * Who reads: a clerk the reports of their organisation and those below it, a supervisor those in
 * reach; mediators none. Who asks for one: a clerk, for their organisation or one below it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { createReportSchema, reportView } from '../../signaling/http/reports.js';
import { authorizeStaff, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import { shanghaiDate } from '../cases/deadlines.js';
import type { Organisation } from '../cases/model.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import type { PdfRenderer } from '../documents/PdfRenderer.js';
import { fail, NotFoundError } from '../errors.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import type { DashboardService } from '../organisations/DashboardService.js';
import { ancestry, subtree } from '../organisations/tree.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { ArchiveStore } from '../storage/archives.js';
import { lastEndedPeriods, parsePeriod, reportCsv, reportLayout } from './reportContent.js';
import type { ReportRepository, StatisticsReport } from './ReportRepository.js';

export const REPORT_TYPE = 'mediation-statistics-report+jws';

export type ReportView = z.output<typeof reportView>;

export interface ReportServiceDeps {
  repo: ReportRepository;
  cases: Pick<CaseRepository, 'listOrganisations'>;
  /** Staff of organisations, to announce a report to those above. */
  staffOf: (
    organisationIds: readonly string[],
  ) => Promise<{ id: string; organisationId: string; role: string; active: boolean }[]>;
  dashboard: DashboardService;
  renderer: PdfRenderer;
  archives: ArchiveStore;
  keys: ServiceKeys;
  notifications: NotificationChannel;
  logger: Logger;
  jobs?: JobClaims;
  now?: () => Date;
}

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system' };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export class ReportService {
  readonly #d: ReportServiceDeps;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(d: ReportServiceDeps) {
    this.#d = d;
    this.#logger = d.logger.child({ component: 'reports' });
    this.#now = d.now ?? (() => new Date());
  }

  /** The organisations whose reports the actor reads (clerk: own subtree; supervisor: reach). */
  async #reach(actor: Actor): Promise<{ all: Organisation[]; ids: Set<string> }> {
    const staff = authorizeStaff(actor, ['clerk', 'supervisor']);
    const all = await this.#d.cases.listOrganisations();
    const ids =
      staff.role === 'supervisor'
        ? new Set(staff.reach ?? [])
        : new Set(subtree(all, staff.organisationId).map((o) => o.id));
    return { all, ids };
  }

  async list(actor: Actor, organisationId?: string): Promise<ReportView[]> {
    const { all, ids } = await this.#reach(actor);
    if (organisationId !== undefined && !ids.has(organisationId))
      throw new NotFoundError('Organisation');
    const reports = await this.#d.repo.list(organisationId ? [organisationId] : [...ids]);
    return reports.map((r) => view(r, all));
  }

  async get(actor: Actor, reportId: string): Promise<ReportView> {
    const { all } = await this.#reach(actor);
    return view(await this.#readable(actor, reportId), all);
  }

  /** The file's bytes, checked against the hash kept when it was made. */
  async file(
    actor: Actor,
    reportId: string,
    kind: 'pdf' | 'csv',
  ): Promise<{ bytes: Buffer; sha256: string; name: string }> {
    const r = await this.#readable(actor, reportId);
    const stored = r[kind];
    const bytes = await this.#d.archives.read(stored.location);
    if (sha256(bytes) !== stored.sha256) {
      this.#logger.error({ reportId, kind }, 'statistics report file no longer matches its hash');
      throw fail('REPORT_FILE_ALTERED');
    }
    return { bytes, sha256: stored.sha256, name: `统计报表-${r.period}.${kind}` };
  }

  async #readable(actor: Actor, reportId: string): Promise<StatisticsReport> {
    const { ids } = await this.#reach(actor);
    const r = await this.#d.repo.get(reportId);
    if (!r || !ids.has(r.organisationId)) throw new NotFoundError('Report');
    return r;
  }

  /** A clerk's request: the report of an ended period, made now or as it was made before. */
  async create(
    actor: Actor,
    input: z.output<typeof createReportSchema>,
  ): Promise<{ report: ReportView; created: boolean }> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const { all, ids } = await this.#reach(actor);
    if (!ids.has(input.organisationId)) throw new NotFoundError('Organisation');
    const made = await this.#make(all, input.organisationId, input.period, clerk.id);
    return { report: view(made.report, all), created: made.created };
  }

  /**
   * The schedule (every deadline pass): last month's and last quarter's report of every
   * organisation that has none yet. One process at a time (a job lease).
   */
  async scheduled(): Promise<{ made: number }> {
    const jobs = this.#d.jobs;
    if (jobs && !(await jobs.leases.claim('statistics-reports', jobs.owner, jobs.leaseMs)))
      return { made: 0 };
    try {
      const all = await this.#d.cases.listOrganisations();
      let made = 0;
      for (const period of lastEndedPeriods(shanghaiDate(this.#now())))
        for (const o of all) {
          if (await this.#d.repo.find(o.id, period)) continue;
          if ((await this.#make(all, o.id, period, null)).created) made += 1;
        }
      if (made > 0) this.#logger.info({ made }, 'statistics reports made on schedule');
      return { made };
    } finally {
      if (jobs) await jobs.leases.release('statistics-reports', jobs.owner);
    }
  }

  async #make(
    all: Organisation[],
    organisationId: string,
    periodText: string,
    by: string | null,
  ): Promise<{ report: StatisticsReport; created: boolean }> {
    const existing = await this.#d.repo.find(organisationId, periodText);
    if (existing) return { report: existing, created: false };
    const period = parsePeriod(periodText);
    if (!period) throw fail('REPORT_PERIOD_INVALID');
    const now = this.#now();
    if (period.to >= shanghaiDate(now)) throw fail('REPORT_PERIOD_NOT_ENDED', { to: period.to });
    const organisation = all.find((o) => o.id === organisationId);
    if (!organisation) throw new NotFoundError('Organisation');

    // The system reads the whole subtree: a report covers every organisation below.
    const figures = await this.#d.dashboard.dashboard(
      { ...SYSTEM },
      { organisationId, from: period.from, to: period.to },
    );
    const id = randomUUID();
    const generatedAt = now.toISOString();
    const pdf = await this.#d.renderer.render(
      reportLayout(organisation.name, period, figures, { reportId: id, generatedAt }),
      now,
    );
    const csv = Buffer.from(reportCsv(organisation.name, period, figures), 'utf8');
    const [pdfLocation, csvLocation] = [
      await this.#d.archives.put('reports', organisationId, id, pdf, 'pdf'),
      await this.#d.archives.put('reports', organisationId, id, csv, 'csv'),
    ];
    const files = {
      pdf: { sha256: sha256(pdf), bytes: pdf.length },
      csv: { sha256: sha256(csv), bytes: csv.length },
    };
    const jws = await this.#d.keys.sign(
      {
        reportId: id,
        organisation: { id: organisation.id, name: organisation.name },
        periodKind: period.kind,
        period: period.period,
        from: period.from,
        to: period.to,
        generatedAt,
        files,
      },
      REPORT_TYPE,
    );
    const report: StatisticsReport = {
      id,
      organisationId,
      periodKind: period.kind,
      period: period.period,
      from: period.from,
      to: period.to,
      generatedAt,
      generatedBy: by,
      pdf: { location: pdfLocation, ...files.pdf },
      csv: { location: csvLocation, ...files.csv },
      jws,
    };
    if (!(await this.#d.repo.insert(report))) {
      // Another process made it meanwhile: theirs stands (the files written here stay unused).
      const theirs = await this.#d.repo.find(organisationId, periodText);
      if (theirs) return { report: theirs, created: false };
    }
    this.#logger.info(
      { reportId: id, organisationId, period: period.period, by },
      'statistics report made',
    );
    await this.#announce(all, organisation, period.label, report);
    return { report, created: true };
  }

  /** In the app, to the clerks of the organisation above and every supervisor above. */
  async #announce(
    all: Organisation[],
    organisation: Organisation,
    label: string,
    report: StatisticsReport,
  ): Promise<void> {
    try {
      const above = ancestry(all, organisation.id).slice(1);
      const parent = above[0]?.id;
      const staff = await this.#d.staffOf([organisation.id, ...above.map((o) => o.id)]);
      const aboveIds = new Set(above.map((o) => o.id));
      // A root organisation (the bureau, a centre standing alone) reports to its own supervisors.
      const to = staff.filter(
        (s) =>
          s.active &&
          ((s.role === 'clerk' && s.organisationId === parent) ||
            (s.role === 'supervisor' &&
              (aboveIds.has(s.organisationId) ||
                (above.length === 0 && s.organisationId === organisation.id)))),
      );
      for (const s of to)
        await this.#d.notifications.send({
          caseId: '',
          personId: s.id,
          channel: 'in_app',
          address: `staff:${s.id}`,
          purpose: 'statistics_report',
          subject: `统计报表：${organisation.name} ${label} / Statistics report`,
          body: `${organisation.name}${label}统计报表已生成（PDF SHA-256 ${report.pdf.sha256}）。请在调解平台“统计报表”查阅。`,
        });
    } catch (error) {
      this.#logger.error({ err: error, reportId: report.id }, 'statistics report not announced');
    }
  }
}

function view(r: StatisticsReport, all: readonly Organisation[]): ReportView {
  return {
    id: r.id,
    organisationId: r.organisationId,
    organisationName: all.find((o) => o.id === r.organisationId)?.name ?? '',
    periodKind: r.periodKind,
    period: r.period,
    from: r.from,
    to: r.to,
    generatedAt: r.generatedAt,
    generatedBy: r.generatedBy,
    pdf: { sha256: r.pdf.sha256, bytes: r.pdf.bytes },
    csv: { sha256: r.csv.sha256, bytes: r.csv.bytes },
    jws: r.jws,
  };
}
