/**
 * A case writer to be killed: registers cases through the BUILT CaseService
 * (dist/, `npm test` builds it) as fast as it can, several registrations in
 * flight at once, and prints `ack <caseId>` only after a registration's
 * promise has resolved (its transaction committed). Prints `ready` once the
 * organisation and clerk exist. Used by tests/integration/crash-safety.test.ts,
 * which SIGKILLs it mid-write.
 *
 *   node tests/support/crash-writer.mjs <database file>
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../dist/server/auth/passwords.js';
import { CaseService } from '../../dist/server/cases/CaseService.js';
import { createWorkCalendar } from '../../dist/server/cases/deadlines.js';
import { registerCaseSchema } from '../../dist/server/cases/schemas.js';
import { SqliteAuditLog } from '../../dist/server/db/SqliteAuditLog.js';
import { SqliteCaseRepository } from '../../dist/server/db/SqliteCaseRepository.js';
import { SqliteDatabase } from '../../dist/server/db/SqliteDatabase.js';
import { createLogger } from '../../dist/server/logger.js';

const CONCURRENT_LOOPS = 4;
// One organisation for every run against the same file: case numbers are
// unique across the whole database but counted per organisation, so a second
// organisation's first 2026 case would collide with the first one's.
const ORGANISATION_ID = 'org-crash-safety';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node tests/support/crash-writer.mjs <database file>\n');
  process.exit(2);
}

function fail(error) {
  process.stderr.write(`crash-writer: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

// The logger writes to stdout, which carries the protocol: keep it silent.
const database = SqliteDatabase.open(file, createLogger('silent'));
const repository = new SqliteCaseRepository(database);
const service = new CaseService({
  repository,
  audit: new SqliteAuditLog(database),
  calendar: createWorkCalendar(),
});

if (!(await repository.getOrganisation(ORGANISATION_ID))) {
  await repository.insertOrganisation({ id: ORGANISATION_ID, name: '崩溃测试调解委员会' });
}
const clerkId = randomUUID();
await repository.insertStaff({
  id: clerkId,
  organisationId: ORGANISATION_ID,
  username: `clerk-${clerkId.slice(0, 8)}`,
  displayName: '李书记员',
  role: 'clerk',
  specialties: [],
  active: true,
  createdAt: new Date().toISOString(),
  passwordHash: await hashPassword('correct horse battery staple'),
});
const clerk = {
  kind: 'staff',
  id: clerkId,
  role: 'clerk',
  organisationId: ORGANISATION_ID,
  name: '李书记员',
};

const input = registerCaseSchema.parse({
  intakeMode: 'written',
  disputeType: 'wages',
  source: 'party_application',
  priorityGroups: ['migrant_worker'],
  receivedOn: '2026-03-02',
  application: {
    requests: '支付拖欠工资人民币 12,000 元',
    factsAndReasons: '申请人于 2025 年 6 月入职，2025 年 11 月至 2026 年 1 月工资未发放。',
    claimTypes: ['wages'],
    amountClaimed: 12000,
  },
  applicant: {
    name: '张三',
    idNumber: '310101199001011234',
    phone: '13800000000',
    isOrganisation: false,
  },
  respondent: {
    name: '某某科技有限公司',
    idNumber: '91310000MA1FL00000',
    isOrganisation: true,
    legalRepresentative: '李四',
    address: '上海市浦东新区某路 1 号',
  },
});

process.stdout.write('ready\n');

async function loop() {
  for (;;) {
    const registered = await service.register(clerk, input);
    // Only now is the case acknowledged: its transaction has committed.
    process.stdout.write(`ack ${registered.id}\n`);
  }
}

for (let i = 0; i < CONCURRENT_LOOPS; i++) loop().catch(fail);
