/**
 * Marks overdue deadlines and produces their notices: once at start (the
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

  /** `beforePass` runs first in each pass (the calendar picks up years stored by the CLI). */
  constructor(
    cases: CaseService,
    logger: Logger,
    intervalMs = 10 * 60_000,
    beforePass: () => Promise<unknown> = async () => undefined,
  ) {
    this.#cases = cases;
    this.#beforePass = beforePass;
    this.#logger = logger.child({ component: 'deadline-scheduler' });
    this.#intervalMs = intervalMs;
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
        if (overdue > 0) this.#logger.info({ overdue, notices }, 'deadlines marked overdue');
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'deadline pass failed'))
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
