/**
 * A case writer to be killed: registers cases through the BUILT CaseService
 * (dist/, `npm test` builds it) as fast as it can, several registrations in
 * flight at once, and prints `ack <caseId>` only after a registration's
 * promise has resolved (its transaction committed). Prints `ready` once the
 * organisation and clerk exist. Used by tests/integration/crash-safety.test.ts,
 * which SIGKILLs it mid-write.
 *
 *   node tests/support/crash-writer.mjs <database file | postgres://…> <registration JSON>
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../dist/server/auth/passwords.js';
import { CaseService } from '../../dist/server/cases/CaseService.js';
import { createWorkCalendar } from '../../dist/server/cases/deadlines.js';
import { registerCaseSchema } from '../../dist/server/cases/schemas.js';
import { SqlAuditLog } from '../../dist/server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../dist/server/db/SqlCaseRepository.js';
import { SqliteDatabase } from '../../dist/server/db/SqliteDatabase.js';
import { PostgresClient } from '../../dist/server/db/sql/PostgresClient.js';
import { createLogger } from '../../dist/server/logger.js';

const CONCURRENT_LOOPS = 4;
// One organisation for every run against the same file, so case numbers run on
// without gaps across the kill cycles (the test checks that).
const ORGANISATION_ID = 'org-crash-safety';

// The registration comes from the test (tests/support/cases.ts registrationInput), as JSON.
const [file, registrationJson] = process.argv.slice(2);
if (!file || !registrationJson) {
  process.stderr.write(
    'usage: node tests/support/crash-writer.mjs <database file | postgres://…> <registration JSON>\n',
  );
  process.exit(2);
}
const registration = JSON.parse(registrationJson);

function fail(error) {
  process.stderr.write(`crash-writer: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

// The logger writes to stdout, which carries the protocol: keep it silent.
const database = file.startsWith('postgres://')
  ? await PostgresClient.open(file, { max: 8 }, createLogger('silent'))
  : SqliteDatabase.open(file, createLogger('silent'));
const repository = new SqlCaseRepository(database);
const service = new CaseService({
  repository,
  audit: new SqlAuditLog(database),
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

const input = registerCaseSchema.parse(registration);

process.stdout.write('ready\n');

async function loop() {
  for (;;) {
    const registered = await service.register(clerk, input);
    // Only now is the case acknowledged: its transaction has committed.
    process.stdout.write(`ack ${registered.id}\n`);
  }
}

for (let i = 0; i < CONCURRENT_LOOPS; i++) loop().catch(fail);
