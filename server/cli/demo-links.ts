/**
 * Prints invitation links for the demo session: a mediator and the two
 * parties of a wage dispute, plus an observer. Run by `npm start`.
 * (The case file itself — parties, deadlines, documents — is the case
 * management feature's; these links only carry a signed session identity.)
 */
import { SessionTokens } from '../auth/SessionTokens.js';
import { ConfigError, loadConfig } from '../config.js';
import type { SessionClaims } from '../../signaling/index.js';

const DEMO_CASE = 'DEMO-2026-0001';
const DEMO_SESSION = 'DEMO-2026-0001-S1';
const TTL_SECONDS = 12 * 3600;

const people: { label: string; claims: SessionClaims }[] = [
  {
    label: '调解员 Mediator',
    claims: {
      sub: 'demo-mediator',
      name: '王调解',
      role: 'mediator',
      caseId: DEMO_CASE,
      sessionId: DEMO_SESSION,
    },
  },
  {
    label: '申请人（劳动者）Applicant (worker)',
    claims: {
      sub: 'demo-applicant',
      name: '张三',
      role: 'party',
      caseId: DEMO_CASE,
      sessionId: DEMO_SESSION,
    },
  },
  {
    label: '被申请人（用人单位）Respondent (employer)',
    claims: {
      sub: 'demo-respondent',
      name: '李四（某某科技有限公司）',
      role: 'party',
      caseId: DEMO_CASE,
      sessionId: DEMO_SESSION,
    },
  },
  {
    label: '旁听人 Observer',
    claims: {
      sub: 'demo-observer',
      name: '赵工会',
      role: 'observer',
      caseId: DEMO_CASE,
      sessionId: DEMO_SESSION,
    },
  },
];

try {
  const config = loadConfig();
  const tokens = new SessionTokens(config.auth.jwtSecret);
  const base =
    config.http.publicUrl ??
    `${config.http.tls ? 'https' : 'http'}://${['0.0.0.0', '::', '127.0.0.1'].includes(config.http.host) ? 'localhost' : config.http.host}:${config.http.port}`;
  const lines = [
    '',
    `演示案件 Demo case ${DEMO_CASE}, session ${DEMO_SESSION} — links valid for ${TTL_SECONDS / 3600} h:`,
    ...people.map(
      ({ label, claims }) =>
        `  ${label}\n    ${base}/join#token=${tokens.issue(claims, TTL_SECONDS)}`,
    ),
    '',
    'Open each link in its own browser tab or device. Stop the service with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
}
