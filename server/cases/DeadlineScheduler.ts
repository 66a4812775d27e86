/**
 * Marks overdue deadlines, produces their notices and reminders, then serves
 * every notice not yet served (whoever produced it): once at start (the
 * service may have been down when a deadline passed), then periodically.
 */
import type { Logger } from '../logger.js';
import type { CaseService } from './CaseService.js';

export class DeadlineScheduler {
  readonly #cases: CaseService;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  readonly #beforePass: () => Promise<unknown>;
  readonly #serveNotices: (() => Promise<{ served: number }>) | undefined;
  readonly #afterPass: () => Promise<unknown>;

  constructor(
    cases: CaseService,
    logger: Logger,
    options: {
      intervalMs?: number;
      /** Runs first in each pass (the calendar picks up years stored by the CLI). */
      beforePass?: () => Promise<unknown>;
      /** Renders and serves the notices not yet served (DocumentService.serveNotices). */
      serveNotices?: () => Promise<{ served: number }>;
      /** Runs last in each pass (the risk ledger's scan reads the deadlines just marked). */
      afterPass?: () => Promise<unknown>;
    } = {},
  ) {
    this.#cases = cases;
    this.#beforePass = options.beforePass ?? (async () => undefined);
    this.#serveNotices = options.serveNotices;
    this.#afterPass = options.afterPass ?? (async () => undefined);
    this.#logger = logger.child({ component: 'deadline-scheduler' });
    this.#intervalMs = options.intervalMs ?? 10 * 60_000;
  }

  start(): void {
    if (this.#timer) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#intervalMs);
    this.#timer.unref();
  }

  /** One pass; concurrent calls share the pass in progress. */
  tick(): Promise<void> {
    this.#running ??= this.#beforePass()
      .catch((error: unknown) =>
        this.#logger.error(
          { err: error },
          'calendar refresh failed; deadlines keep the loaded one',
        ),
      )
      .then(() => this.#cases.markOverdue())
      .then(({ overdue, notices }) => {
        if (overdue > 0 || notices > 0)
          this.#logger.info({ overdue, notices }, 'deadlines marked overdue, notices produced');
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'deadline pass failed'))
      // Served even when marking failed: other producers' notices wait here too.
      .then(() => this.#serveNotices?.())
      .then((result) => {
        if (result && result.served > 0) this.#logger.info(result, 'notices served');
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'notice pass failed'))
      .then(async () => {
        await this.#afterPass();
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'risk scan failed'))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
