/**
 * Reasons, not sentences (issue 17, must-have 7): a failure carries a stable
 * reason code with parameters (signaling/reasons.ts), the clients render it
 * from their catalogues (client/src/shared/i18n.ts for the call page,
 * client/src/console/messages.ts for the console), and the server's throw
 * sites carry no Chinese sentence: the only Chinese a failure shows comes from
 * a catalogue, in the reader's language.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  REASONS,
  REASON_CODES,
  reasonMessage,
  type ErrorPayload,
} from '../../signaling/index.js';
import {
  AppError,
  HTTP_STATUS,
  fail,
  NotFoundError,
  ValidationError,
} from '../../server/errors.js';
import { EvidenceService } from '../../server/evidence/EvidenceService.js';
import { FsBlobStore } from '../../server/storage/FsBlobStore.js';
import { FREE_FAILURES, SignInGuard } from '../../server/auth/SignInGuard.js';
import { assertStrongPassword } from '../../server/auth/passwordPolicy.js';
import { checkWebhookUrl } from '../../server/institutions/webhookTarget.js';
import { z } from 'zod';

const ROOT = join(import.meta.dirname, '../..');
/** Chinese ideographs: a sentence has them; a list separator (、) alone is no sentence. */
const CJK = /[\u3400-\u9fff]/;

// The client's language module reads localStorage and <html lang>.
const stored = new Map<string, string>();
Object.assign(globalThis, {
  localStorage: {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
  },
  document: { documentElement: { lang: 'zh-CN' }, createElement: () => ({}) },
});

type Pair = readonly [zh: string, en: string];
interface CallCatalogue {
  REASON_TEXT: Record<string, Pair | undefined>;
  ERROR_CODE_TEXT: Record<string, Pair | undefined>;
  errorText(error: Partial<ErrorPayload> & { code: string }): string;
  setLang(lang: 'zh-CN' | 'en'): void;
}
interface ConsoleCatalogue {
  messages: Record<'zh-CN' | 'en', { labels: Record<string, Record<string, string>> }>;
}
let call: CallCatalogue;
let consoleCatalogue: ConsoleCatalogue;

beforeAll(async () => {
  // Through a variable: the server-side type check (no DOM library) does not follow it into
  // the client; client/tsconfig.json checks those files.
  const client = '../../client/src/';
  call = {
    ...((await import(`${client}shared/errorText.js`)) as Omit<CallCatalogue, 'setLang'>),
    setLang: ((await import(`${client}shared/i18n.js`)) as Pick<CallCatalogue, 'setLang'>).setLang,
  };
  consoleCatalogue = (await import(`${client}shared/catalogue/index.js`)) as ConsoleCatalogue;
});

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map(([, n]) => n!).sort();
const paramNames = (reason: keyof typeof REASONS) =>
  Object.keys((REASONS[reason].params as z.AnyZodObject).shape).sort();

describe('reason codes', () => {
  it('each reason has Chinese and English text in the catalogue, read alike by the call page and the console, with only its own parameters', () => {
    expect(REASON_CODES.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const reason of REASON_CODES) {
      const pair = call.REASON_TEXT[reason];
      const zh = consoleCatalogue.messages['zh-CN'].labels['reasons']?.[reason];
      const en = consoleCatalogue.messages.en.labels['reasons']?.[reason];
      if (!pair || !zh || !en) {
        missing.push(reason);
        continue;
      }
      expect([zh, en], reason).toEqual([pair[0], pair[1]]);
      expect(CJK.test(pair[0]), `${reason} in Chinese`).toBe(true);
      expect(CJK.test(pair[1]), `${reason} in English`).toBe(false);
      const allowed = paramNames(reason);
      for (const text of [...pair, REASONS[reason].message]) {
        for (const name of placeholders(text))
          expect(allowed, `${reason}: ${text}`).toContain(name);
      }
      expect(CJK.test(REASONS[reason].message), `${reason}'s developer sentence`).toBe(false);
    }
    expect(missing).toEqual([]);
    // No text for a reason that no longer exists.
    expect(Object.keys(call.REASON_TEXT).sort()).toEqual([...REASON_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(call.ERROR_CODE_TEXT[code], code).toHaveLength(2);
      expect(consoleCatalogue.messages.en.labels['errorCodes']?.[code], code).toBeTruthy();
    }
  });

  it('a failure travels as its code, reason and parameters, the message an English sentence', () => {
    const locked = fail('SESSION_LOCKED');
    expect(locked.toPayload()).toEqual({
      code: 'FORBIDDEN',
      reason: 'SESSION_LOCKED',
      message: 'The session is locked to newcomers',
    });
    expect(HTTP_STATUS[locked.code]).toBe(403);
    const moderate = fail('ROLE_MAY_NOT_MODERATE', { role: 'party' });
    expect(moderate.toPayload()).toEqual({
      code: 'FORBIDDEN',
      reason: 'ROLE_MAY_NOT_MODERATE',
      params: { role: 'party' },
      message: 'A party may not moderate the session',
    });
    expect(new NotFoundError('Producer').toPayload()).toEqual({
      code: 'NOT_FOUND',
      reason: 'NOT_FOUND',
      params: { what: 'Producer' },
      message: 'Producer not found',
    });
    const invalid = ValidationError.fromZod(
      'chat:send',
      z.object({ a: z.string() }).safeParse({}).error!,
    );
    expect(invalid.toPayload()).toMatchObject({
      code: 'VALIDATION',
      reason: 'INVALID_PAYLOAD',
      params: { event: 'chat:send' },
      issues: ['a: Required'],
    });
    // Each reason's parameters are what its schema allows, and nothing else.
    for (const reason of REASON_CODES) {
      const names = paramNames(reason);
      const params = Object.fromEntries(names.map((n) => [n, 'x']));
      expect(REASONS[reason].params.safeParse({ ...params, extra: 1 }).success, reason).toBe(false);
      expect(placeholders(reasonMessage(reason, params)), reason).toEqual([]);
    }
  });

  it('the clients render a reason in the reader’s language, its parameters filled in', () => {
    const payload = fail('ROLE_MAY_NOT_PRESENT', { role: 'observer' }).toPayload();
    call.setLang('zh-CN');
    expect(call.errorText(payload)).toBe('您的身份（observer）不能出示证据。');
    expect(call.errorText({ code: 'RATE_LIMITED', message: 'Too many requests; slow down' })).toBe(
      '操作过于频繁，请稍后再试。',
    );
    // A sentence not yet turned into a reason: the reader's half of it.
    expect(call.errorText({ code: 'FORBIDDEN', message: '不行 / Not allowed' })).toBe('不行');
    call.setLang('en');
    expect(call.errorText(payload)).toBe('A observer may not present evidence.');
    expect(call.errorText({ code: 'FORBIDDEN', message: '不行 / Not allowed' })).toBe(
      'Not allowed',
    );
    call.setLang('zh-CN');
  });
});

// references, evidence, storage
describe('reasons of references, evidence and storage', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** What EvidenceService.receive refuses a file with, as its payload. */
  async function refusedUpload(bytes: Buffer, filename: string, maxBytes: number) {
    const dir = mkdtempSync(join(tmpdir(), 'reasons-evidence-'));
    dirs.push(dir);
    // receive() uses the blob store only; the rest of the service is not reached.
    const unused = {} as never;
    const service = new EvidenceService({
      items: unused,
      cases: unused,
      audit: unused,
      blobs: await FsBlobStore.open(dir),
      limits: { maxBytes, caseQuotaBytes: maxBytes } as never,
    });
    const error: unknown = await service.receive(Readable.from([bytes]), filename, maxBytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).toPayload();
  }

  it('a refused evidence file travels as code, reason and parameters and renders in both languages', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const mismatch = await refusedUpload(png, 'photo.pdf', 1024);
    expect(mismatch).toEqual({
      code: 'VALIDATION',
      reason: 'EVIDENCE_NAME_MISMATCH',
      params: { detected: 'png', extension: 'pdf', owner: 'pdf' },
      message:
        'The content is png but the file name ends in .pdf (used for pdf); correct the file name and upload again',
      issues: ['file: name_mismatch'],
    });
    call.setLang('zh-CN');
    expect(call.errorText(mismatch)).toBe(
      '文件内容为 png 格式，但文件名扩展名为 .pdf（属于 pdf 格式），请更正文件名后重新上传。',
    );
    call.setLang('en');
    expect(call.errorText(mismatch)).toBe(
      'The content is png but the file name ends in .pdf (used for pdf); correct the file name and upload again.',
    );

    const tooLarge = await refusedUpload(Buffer.alloc(64, 'a'), 'notes.txt', 10);
    expect(tooLarge).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'FILE_TOO_LARGE',
      params: { maxBytes: 10 },
    });
    expect(HTTP_STATUS[tooLarge.code]).toBe(413);
    expect(JSON.stringify(tooLarge)).not.toMatch(CJK);
    expect(call.errorText(tooLarge)).toBe('The file exceeds the 10-byte limit.');
    call.setLang('zh-CN');
    expect(call.errorText(tooLarge)).toBe('文件超过 10 字节的上限。');
  });

  it('what a payment order lacks travels as a list of codes, each rendered and joined in the reader’s language', () => {
    const payload = fail('PAYMENT_ORDER_NOT_ELIGIBLE', {
      unmet: ['claim_type', 'deadline_not_passed'],
    }).toPayload();
    expect(payload).toEqual({
      code: 'PAYMENT_ORDER_NOT_ELIGIBLE',
      reason: 'PAYMENT_ORDER_NOT_ELIGIBLE',
      params: { unmet: ['claim_type', 'deadline_not_passed'] },
      message:
        'This case does not qualify for a payment order (unmet: claim_type, deadline_not_passed)',
    });
    expect(HTTP_STATUS[payload.code]).toBe(409);
    call.setLang('zh-CN');
    expect(call.errorText(payload)).toBe(
      '本案不能申请支付令：本案请求事项不属于可申请支付令的事项（拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金）、协议约定的履行期限尚未届满。',
    );
    call.setLang('en');
    expect(call.errorText(payload)).toBe(
      'This case does not qualify for a payment order: the claims are not unpaid wages, work-injury medical costs, economic compensation or damages, the performance deadline has not passed.',
    );
    call.setLang('zh-CN');
    // Only the contract's codes, and at least one.
    const params = REASONS.PAYMENT_ORDER_NOT_ELIGIBLE.params;
    expect(params.safeParse({ unmet: ['performed'] }).success).toBe(true);
    expect(params.safeParse({ unmet: ['本案不能申请支付令'] }).success).toBe(false);
    expect(params.safeParse({ unmet: [] }).success).toBe(false);
  });
});

// auth, institutions, recording, http
describe('reasons of sign-in, the password policy, webhook addresses and referrals', () => {
  /** The failure a call throws, as the client receives it (the HTTP status beside it). */
  async function refusal(call: () => unknown): Promise<{ status: number; payload: ErrorPayload }> {
    try {
      await call();
    } catch (error) {
      const payload = (error as { toPayload(): ErrorPayload }).toPayload();
      return { status: HTTP_STATUS[payload.code], payload };
    }
    throw new Error('expected a refusal');
  }
  const rendered = (payload: ErrorPayload): [zh: string, en: string] => {
    call.setLang('zh-CN');
    const zh = call.errorText(payload);
    call.setLang('en');
    const en = call.errorText(payload);
    call.setLang('zh-CN');
    return [zh, en];
  };

  it('a locked-out account travels as RATE_LIMITED with its reason and seconds, shown in both languages', async () => {
    const guard = new SignInGuard();
    for (let i = 0; i < FREE_FAILURES; i++) await guard.failed('staff', '10.0.0.1', 'zhangwei');
    const { status, payload } = await refusal(() => guard.attempt('staff', '10.0.0.2', 'ZhangWei'));
    expect(status).toBe(429);
    expect(payload).toEqual({
      code: 'RATE_LIMITED',
      reason: 'ACCOUNT_LOCKED_OUT',
      params: { seconds: 30 },
      message: 'Too many failed attempts for this account; try again in 30 s',
    });
    expect(rendered(payload)).toEqual([
      '登录失败次数过多，请 30 秒后再试。',
      'Too many failed attempts for this account; try again in 30 s.',
    ]);
    // The console shows the same text: its catalogue carries the call page's table.
    expect(consoleCatalogue.messages['zh-CN'].labels['reasons']?.['ACCOUNT_LOCKED_OUT']).toBe(
      '登录失败次数过多，请 {seconds} 秒后再试。',
    );
  });

  it('a weak password is refused with its score and the estimator’s issues, in both languages', async () => {
    const { status, payload } = await refusal(() =>
      assertStrongPassword('password1234', ['zhangwei', '张伟']),
    );
    expect(status).toBe(400);
    expect(payload).toMatchObject({
      code: 'VALIDATION',
      reason: 'PASSWORD_TOO_WEAK',
      params: { score: expect.any(Number), min: 3 },
      issues: expect.arrayContaining([expect.stringMatching(/^password: /)]),
    });
    const score = String(payload.params?.['score']);
    const [zh, en] = rendered(payload);
    expect(zh).toBe(`密码强度不足（评分 ${score}/4，至少需要 3），请换用更长、更不常见的密码。`);
    expect(en).toBe(`The password is too easy to guess (score ${score} of 4, at least 3 needed).`);
  });

  it('a webhook address inside the network and a late referral render from the catalogue', async () => {
    const { status, payload } = await refusal(() =>
      checkWebhookUrl('https://127.0.0.1/hook', { httpAllowlist: [] }),
    );
    expect(status).toBe(400);
    expect(payload).toMatchObject({
      reason: 'WEBHOOK_ADDRESS_INTERNAL',
      params: { host: '127.0.0.1', range: 'loopback' },
    });
    expect(rendered(payload)).toEqual([
      '接收地址指向内部或保留网络（127.0.0.1：loopback），不予使用。',
      'The webhook address is refused: 127.0.0.1 is a loopback address.',
    ]);
    // The legal basis of the window is the catalogue's, the date the server's.
    const [zh, en] = rendered(fail('ARBITRATION_REVIEW_LATE', { dueOn: '2026-03-01' }).toPayload());
    expect(zh).toMatch(/^仲裁审查申请期限已于 2026-03-01 届满。.*第七十四条/);
    expect(en).toMatch(/^The 15-day window for arbitration review closed on 2026-03-01/);
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * Throw statements, `new …Error(…)` / `…Error(…)` calls and an error class's
 * `super(…)`, whose text holds Chinese.
 */
function chineseThrowSites(source: string, fileName = 'x.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const sites: string[] = [];
  const calleeName = (e: ts.Expression): string =>
    ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
  const visit = (node: ts.Node): void => {
    const erroring =
      ts.isThrowStatement(node) ||
      ((ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        /Error$/.test(calleeName(node.expression))) ||
      (ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.SuperKeyword &&
        /Error$/.test(ts.findAncestor(node, ts.isClassDeclaration)?.name?.text ?? ''));
    if (erroring && CJK.test(node.getText(file))) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      sites.push(`${fileName}:${line + 1}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return sites;
}

describe('server throw sites', () => {
  it('finds a Chinese sentence planted in a throw site, in any of its shapes', () => {
    expect(chineseThrowSites(`throw new ForbiddenError('请等待 / Wait');`)).toHaveLength(1);
    expect(chineseThrowSites(`const e = new InvalidStateError(\`已\${x}\`);`)).toHaveLength(1);
    expect(chineseThrowSites(`throw missingError(people, '不能盖章 / cannot seal');`)).toHaveLength(
      1,
    );
    expect(
      chineseThrowSites(`class XError extends AppError { constructor() { super('不能 / No'); } }`),
    ).toHaveLength(1);
    expect(chineseThrowSites(`throw fail('SESSION_LOCKED');`)).toEqual([]);
    expect(chineseThrowSites(`const title = '调解协议书';`)).toEqual([]);
  });

  it('carry no Chinese sentence: a client renders the reason from its catalogue', () => {
    const found: string[] = [];
    for (const path of tsFiles(join(ROOT, 'server')))
      found.push(...chineseThrowSites(readFileSync(path, 'utf8'), relative(ROOT, path)));
    expect(found).toEqual([]);
  }, 60_000);
});
