/**
 * The client's one message catalogue (client/src/shared/catalogue/) as vue-i18n renders it in
 * the console: every message, in both languages, comes out exactly as written (vue-i18n's
 * message syntax gives `{`, `@`, `|` meanings of their own, and a sentence must not be
 * cut or mangled by them); both languages hold the same keys; the server's codes come
 * out in the language shown, an unknown code as it came; the switch changes both the
 * console's language and the one the call page keeps.
 */
import { beforeAll, describe, expect, it } from 'vitest';

// The client's language module reads and writes localStorage and <html lang>.
const stored = new Map<string, string>();
Object.assign(globalThis, {
  localStorage: {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
  },
  // (Vue's DOM runtime, loaded with vue-i18n, makes one element up front.)
  document: { documentElement: { lang: 'zh-CN' }, createElement: () => ({}) },
});

/** What the test uses of client/src/console/i18n.ts and the catalogue. */
interface ConsoleI18n {
  i18n: { global: { t(key: string, named: object, options: { locale: string }): string } };
  consoleLang(): string;
  switchLang(): void;
  ct(key: string, named?: Record<string, string>): string;
  tl(table: string, code: string): string;
}
interface Catalogue {
  messages: Record<'zh-CN' | 'en', object>;
}
let i18n: ConsoleI18n;
let catalogue: Catalogue;

beforeAll(async () => {
  // Through a variable: the server-side type check (no DOM library) does not follow it into
  // the client; client/tsconfig.json checks those files.
  const client = '../../client/src/console/';
  const shared = '../../client/src/shared/';
  i18n = (await import(`${client}i18n.js`)) as ConsoleI18n;
  catalogue = (await import(`${shared}catalogue/index.js`)) as Catalogue;
});

/** Every message's key path and text. */
function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]): [string, string][] =>
    typeof v === 'string' ? [[prefix + k, v]] : leaves(v as object, `${prefix}${k}.`),
  );
}

describe('console message catalogue (vue-i18n)', () => {
  it('renders every message verbatim in both languages, `{name}` filled in', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const all = leaves(catalogue.messages[locale]);
      expect(all.length).toBeGreaterThan(250);
      // Each placeholder's value is its own name in angle brackets.
      const named = (text: string) =>
        Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, n]) => [n, `<${n}>`]));
      const rendered = all.map(([key, text]) => [
        key,
        i18n.i18n.global.t(key, named(text), { locale }),
      ]);
      expect(rendered).toEqual(all.map(([key, text]) => [key, text.replace(/\{(\w+)\}/g, '<$1>')]));
    }
    expect(i18n.ct('paymentOrderEligible', { due: '2026-01-30' })).toBe(
      '履行期限 2026-01-30 已届满，劳动者可以申请支付令',
    );
  });

  it('holds the same keys in Chinese and English', () => {
    const keys = (locale: 'zh-CN' | 'en') => leaves(catalogue.messages[locale]).map(([k]) => k);
    expect(keys('en')).toEqual(keys('zh-CN'));
  });

  it('shows the server’s codes in the language shown, an unknown code as it came', () => {
    expect(i18n.consoleLang()).toBe('zh-CN');
    expect(i18n.tl('caseStatus', 'in_mediation')).toBe('调解中');
    // A code with a dot is not read as a path.
    expect(i18n.tl('webhookEvents', 'bundle.exported')).toBe('联合申请材料包');
    expect(i18n.tl('caseStatus', 'something_new')).toBe('something_new');
    expect(i18n.ct('signIn')).toBe('登录');

    i18n.switchLang();
    expect(i18n.consoleLang()).toBe('en');
    expect(i18n.ct('signIn')).toBe('Sign in');
    expect(i18n.tl('webhookEvents', 'bundle.exported')).toBe('joint application bundle');
    // The call page's language follows: one choice for the whole site, kept across reloads.
    expect(stored.get('lang')).toBe('en');
    i18n.switchLang();
    expect(stored.get('lang')).toBe('zh-CN');
  });

  it('follows a language switch made by the call page, as do the call page’s Vue parts', async () => {
    const shared = '../../client/src/shared/';
    const page = (await import(`${shared}i18n.js`)) as {
      setLang(next: 'zh-CN' | 'en'): void;
      t(key: string): string;
    };
    const reactive = (await import(`${shared}reactiveText.js`)) as {
      shownLang: { value: string };
      rt(key: string): string;
    };
    page.setLang('en');
    expect(i18n.consoleLang()).toBe('en');
    expect(reactive.shownLang.value).toBe('en');
    expect(reactive.rt('join')).toBe('Join mediation');
    // The call page's first screen and the console read the same call section.
    expect(i18n.i18n.global.t('call.join', {}, { locale: 'en' })).toBe(page.t('join'));
    page.setLang('zh-CN');
    expect(i18n.consoleLang()).toBe('zh-CN');
    expect(reactive.rt('join')).toBe('加入调解');
  });
});
