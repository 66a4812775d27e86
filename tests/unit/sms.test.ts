/**
 * SMS without a gateway: the length rules (UCS-2, 70 in one message, 67 per joined part), the
 * documents' SMS texts within them for any name, title and case number (fast-check, seeded),
 * the delivery receipt's text and TLVs (SMPP 3.4 Appendix B), the id's hex/decimal forms, and
 * the mainland number form.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internationalNumber, sameNumber } from '../../server/channels/SmppGateway.js';
import { idForms, parseReceipt, receiptOutcome } from '../../server/channels/smsReceipt.js';
import {
  CODE_MAX_CHARS,
  NOTICE_MAX_CHARS,
  clip,
  fromUcs2,
  signed,
  smsParts,
  ucs2,
} from '../../server/channels/smsText.js';
import { checkTemplate, noticeSms, signingCodeSms } from '../../server/documents/smsTemplates.js';

const SEED = { seed: 20_261_205, numRuns: 400 };
/** Chinese, Latin and astral characters, as names and titles bring them. */
const text = (min: number, max: number) =>
  fc
    .array(fc.constantFrom('张', '三', '某', '科', '技', 'A', 'b', ' ', '（', '）', '𠀋', '·'), {
      minLength: min,
      maxLength: max,
    })
    .map((a) => a.join(''));
const signature = text(2, 12).filter((s) => s.length <= 12);

describe('SMS length rules', () => {
  it('counts parts as handsets join them', () => {
    expect(smsParts('中'.repeat(70))).toBe(1);
    expect(smsParts('中'.repeat(71))).toBe(2);
    expect(smsParts('中'.repeat(134))).toBe(2);
    expect(smsParts('中'.repeat(135))).toBe(3);
  });

  it('carries text as UCS-2 big-endian and back', () => {
    expect([...ucs2('中A')]).toEqual([0x4e, 0x2d, 0x00, 0x41]);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        // Lone surrogates do not survive any encoding; everything else does.
        if (/[\ud800-\udfff]/.test(s)) return;
        expect(fromUcs2(ucs2(s))).toBe(s);
      }),
      SEED,
    );
  });

  it('clips with an ellipsis and never splits a surrogate pair', () => {
    expect(clip('劳动争议调解协议书', 5)).toBe('劳动争议…');
    fc.assert(
      fc.property(text(0, 60), fc.integer({ min: 1, max: 40 }), (s, max) => {
        const c = clip(s, max);
        expect(c.length).toBeLessThanOrEqual(Math.max(max, 1));
        expect(/[\ud800-\udbff]$/.test(c.replace(/…$/, ''))).toBe(false);
      }),
      SEED,
    );
  });
});

describe('the documents’ SMS texts', () => {
  it('keep a notice within two messages with any signature, name and title; the link whole', () => {
    fc.assert(
      fc.property(
        signature,
        text(1, 40),
        text(1, 200),
        fc.constantFrom('2026-000001', '2027-123456'),
        fc.option(
          fc.constantFrom(
            'https://tj.example.cn/s/Ab3dEf7hJk',
            'https://mediation.rsj.sh.gov.cn/s/Ab3dEf7hJk',
          ),
          { nil: null },
        ),
        (sig, name, title, caseNumber, link) => {
          const body = noticeSms({ name, caseNumber, title, link, sha256: 'ab'.repeat(32) });
          expect(signed(sig, body).length).toBeLessThanOrEqual(NOTICE_MAX_CHARS);
          if (link) expect(body).toContain(` ${link} `);
          expect(body).toContain(`${caseNumber}号案件`);
          expect(body).toContain('校验码abababab');
        },
      ),
      SEED,
    );
  });

  it('keep a signing code in one message', () => {
    fc.assert(
      fc.property(
        signature,
        fc.constantFrom(
          '调解协议书',
          '调解笔录',
          '送达地址确认书',
          '某某很长很长很长很长的文书名称',
        ),
        fc.constantFrom('2026-000001', '2026-000001-集体-补充'),
        (sig, label, caseNumber) => {
          const body = signingCodeSms({ code: '042917', caseNumber, label });
          expect(signed(sig, body).length).toBeLessThanOrEqual(CODE_MAX_CHARS);
          expect(/验证码 (\d{6})/.exec(body)?.[1]).toBe('042917');
        },
      ),
      SEED,
    );
  });
});

describe('templates registered with the carrier', () => {
  it('refuses a template with an unknown or missing placeholder, or one that cannot fit', () => {
    expect(checkTemplate('notice', '请查看')).toMatch(/needs \{link\}/);
    expect(checkTemplate('notice', '{link} {who}')).toMatch(/unknown placeholder \{who\}/);
    expect(checkTemplate('notice', `${'长'.repeat(40)}{link}`)).toMatch(/at most \d+ fit/);
    expect(checkTemplate('code', '您的验证码')).toMatch(/needs \{code\}/);
    expect(checkTemplate('code', `{code}${'长'.repeat(40)}`)).toMatch(/at most \d+ fit/);
  });

  it('fills any template it accepts within the limits, the link and the code whole', () => {
    fc.assert(
      fc.property(
        signature,
        text(0, 40),
        text(1, 40),
        text(1, 200),
        fc.constantFrom(
          'https://tj.example.cn/s/Ab3dEf7hJk',
          'https://mediation.rsj.sh.gov.cn/s/Ab3dEf7hJk',
        ),
        (sig, words, name, title, link) => {
          const template = `{name}，${words}《{title}》{link}{fingerprint}`;
          if (checkTemplate('notice', template)) return;
          const body = noticeSms(
            { name, caseNumber: '2026-000001', title, link, sha256: 'cd'.repeat(32) },
            template,
          );
          expect(signed(sig, body).length).toBeLessThanOrEqual(NOTICE_MAX_CHARS);
          expect(body).toContain(link);
        },
      ),
      SEED,
    );
    fc.assert(
      fc.property(signature, text(0, 30), (sig, words) => {
        const template = `验证码{code}${words}{label}`;
        if (checkTemplate('code', template)) return;
        const body = signingCodeSms(
          { code: '042917', caseNumber: '2026-000001', label: '调解协议书' },
          template,
        );
        expect(signed(sig, body).length).toBeLessThanOrEqual(CODE_MAX_CHARS);
        expect(body).toContain('042917');
      }),
      SEED,
    );
  });
});

describe('delivery receipts', () => {
  const receipt = (id: string, stat: string) =>
    `id:${id} sub:001 dlvrd:001 submit date:2612051200 done date:2612051201 stat:${stat} err:000 text:【某区调解中心】张三`;

  it('reads the text form and the TLVs, the TLVs first', () => {
    expect(parseReceipt(receipt('SM1000', 'DELIVRD'))).toEqual({
      messageId: 'SM1000',
      state: 'DELIVRD',
      error: '000',
      doneDate: '2612051201',
    });
    expect(
      parseReceipt(receipt('1000', 'DELIVRD'), { receiptedMessageId: '3e8', messageState: 5 }),
    ).toMatchObject({ messageId: '3e8', state: 'UNDELIV' });
    expect(parseReceipt('ID:7 STAT:delivered ERR:0')).toMatchObject({
      messageId: '7',
      state: 'DELIVRD',
    });
    expect(parseReceipt('hello')).toBeNull();
    expect(parseReceipt('id:7 stat:SOMETHING')).toBeNull();
  });

  it('means delivered, failed or not yet', () => {
    expect(receiptOutcome('DELIVRD')).toBe('delivered');
    for (const s of ['UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED'] as const)
      expect(receiptOutcome(s)).toBe('failed');
    for (const s of ['ACCEPTD', 'ENROUTE', 'UNKNOWN'] as const)
      expect(receiptOutcome(s)).toBe('pending');
  });

  it('never throws on arbitrary text, and what it reads has an id and a known state', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.option(fc.integer(), { nil: undefined }),
        (s, st) => {
          const r = parseReceipt(s, { messageState: st });
          if (r) {
            expect(r.messageId.length).toBeGreaterThan(0);
            expect(['delivered', 'failed', 'pending']).toContain(receiptOutcome(r.state));
          }
        },
      ),
      SEED,
    );
  });

  it('gives an id in its hex and decimal forms', () => {
    expect(idForms('1000')).toEqual(expect.arrayContaining(['1000', '3e8']));
    expect(idForms('3e8')).toEqual(expect.arrayContaining(['3e8', '1000', '3E8']));
    expect(idForms('SM1000')).toEqual(['SM1000']);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 48n }), (n) => {
        expect(idForms(n.toString(16))).toContain(n.toString(10));
        expect(idForms(n.toString(10))).toContain(n.toString(16));
      }),
      SEED,
    );
  });
});

describe('mobile numbers', () => {
  it('writes mainland numbers with the country code and compares either form', () => {
    expect(internationalNumber('138 0000-0000')).toBe('8613800000000');
    expect(internationalNumber('+86 13800000000')).toBe('8613800000000');
    expect(sameNumber('13800000000', '8613800000000')).toBe(true);
    expect(sameNumber('13800000000', '8613700000000')).toBe(false);
  });
});
