/**
 * What the local notification channel holds (the outbox that stands in for the SMS and e-mail
 * gateways): the newest messages first, so that someone trying the demo can read the code an
 * application page sent to "their" mobile.
 *
 *   npm run outbox                  the last 10 messages
 *   npm run outbox -- --to 13900001111 [--last 3]
 */
import { loadConfig } from '../config.js';
import { SqlDocumentRepository } from '../db/SqlDocumentRepository.js';
import { openDatabase } from '../db/openDatabase.js';
import { createLogger } from '../logger.js';
import { isEntryPoint } from './entryPoint.js';

export function parseArgs(argv: readonly string[]): { to: string | undefined; last: number } {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const last = Number(at('--last') ?? 10);
  return { to: at('--to'), last: Number.isInteger(last) && last > 0 ? Math.min(last, 200) : 10 };
}

async function main(): Promise<void> {
  const { to, last } = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const database = await openDatabase(config.database, config.dataDir, createLogger('warn'));
  try {
    const all = await new SqlDocumentRepository(database).listOutbox({});
    const chosen = all.filter((m) => to === undefined || m.address === to).slice(-last);
    if (chosen.length === 0) process.stdout.write('发件箱为空 / the outbox is empty\n');
    for (const m of chosen.reverse()) {
      process.stdout.write(
        `${m.createdAt}  ${m.channel}  ${m.address}  ${m.purpose}\n  ${m.subject}\n  ${m.body}\n\n`,
      );
    }
  } finally {
    await database.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
