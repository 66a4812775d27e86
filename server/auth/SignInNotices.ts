/**
 * When an account is closed for a while after repeated failed sign-ins, the
 * organisation's clerks are told (an in-app message through the outbox) and
 * the event is recorded, so someone notices a password being guessed.
 */
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { SecurityEventRepository } from './SecurityEventRepository.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import type { Logger } from '../logger.js';
import type { BackoffEvent } from './SignInGuard.js';

export class SignInNotices {
  readonly #repository: CaseRepository;
  readonly #events: SecurityEventRepository;
  readonly #notifications: NotificationChannel;
  readonly #institution: (
    id: string,
  ) => Promise<{ organisationId: string; name: string } | undefined>;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(options: {
    repository: CaseRepository;
    events: SecurityEventRepository;
    notifications: NotificationChannel;
    institution: (id: string) => Promise<{ organisationId: string; name: string } | undefined>;
    logger: Logger;
    now?: () => Date;
  }) {
    this.#repository = options.repository;
    this.#events = options.events;
    this.#notifications = options.notifications;
    this.#institution = options.institution;
    this.#logger = options.logger.child({ component: 'sign-in' });
    this.#now = options.now ?? (() => new Date());
  }

  async backoffStarted(e: BackoffEvent): Promise<void> {
    let organisationId: string | null = null;
    let accountId: string | null = null;
    let label = e.account;
    if (e.kind === 'staff') {
      const staff = await this.#repository.getStaffByUsername(e.account);
      if (staff) {
        organisationId = staff.organisationId;
        accountId = staff.id;
        label = `${staff.displayName}（${staff.username}）`;
      }
    } else if (e.kind === 'institution') {
      const institution = await this.#institution(e.account);
      if (institution) {
        organisationId = institution.organisationId;
        accountId = e.account;
        label = `${institution.name}（${e.account}）`;
      }
    }
    const at = this.#now().toISOString();
    await this.#events.record({
      organisationId,
      kind: 'sign_in_backoff',
      accountKind: e.kind,
      account: e.account,
      accountId,
      source: e.source,
      detail: { failures: e.failures, closedSeconds: e.seconds },
      createdAt: at,
    });
    this.#logger.warn(
      { accountKind: e.kind, accountId, source: e.source, failures: e.failures },
      'account closed for a while after repeated failed sign-ins',
    );
    if (!organisationId) return;
    const who = e.kind === 'staff' ? '工作人员账号' : '机构账号';
    const whoEn = e.kind === 'staff' ? 'staff account' : 'institution account';
    for (const clerk of await this.#events.clerks(organisationId)) {
      await this.#notifications.send({
        caseId: '',
        personId: clerk.id,
        channel: 'in_app',
        address: `staff:${clerk.id}`,
        purpose: 'sign_in_backoff',
        subject: `${who}登录失败次数过多 / Repeated failed sign-ins on a ${whoEn}`,
        body:
          `${who} ${label} 连续 ${e.failures} 次登录失败（最近来源 ${e.source}），已暂停登录 ${e.seconds} 秒，` +
          `其后每次失败暂停时间加倍。如非本人操作，请核实并更换密码。 / ` +
          `The ${whoEn} ${label} failed to sign in ${e.failures} times in a row (last from ${e.source}); ` +
          `sign-in is closed for ${e.seconds} s, doubling with each further failure. If this was not its owner, ` +
          `check and change the credential.`,
      });
    }
  }
}
