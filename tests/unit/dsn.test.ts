/**
 * Delivery status notifications (RFC 3464) read without a server: the report part found in a
 * `multipart/report` (plain, base64, quoted-printable, nested), its per-message and
 * per-recipient fields, and what each action and status means for service. Anything that is
 * not a report, generated from arbitrary text (fast-check, seeded), gives no report rather
 * than a wrong one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deliveryStatusPart,
  outcomeOf,
  parseDeliveryStatus,
  type DsnRecipient,
} from '../../server/channels/dsn.js';

const STATUS = [
  'Reporting-MTA: dns; relay.example.cn',
  'Original-Envelope-Id: 6f1c-42',
  '',
  'Final-Recipient: rfc822; Worker@Example.cn',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <worker@example.cn>:',
  '  recipient address rejected',
  'Remote-MTA: dns; mx.example.cn',
  '',
  'Original-Recipient: rfc822; Alias@Example.cn',
  'Final-Recipient: rfc822; other@example.cn',
  'Action: delayed',
  'Status: 4.4.1',
].join('\r\n');

function report(part: string, encoding?: string): string {
  return [
    'From: MAILER-DAEMON@relay.example.cn',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="=_b.42"',
    '',
    '--=_b.42',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host relay.example.cn.',
    '--=_b.42',
    'Content-Type: message/delivery-status',
    ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []),
    '',
    part,
    '--=_b.42--',
    '',
  ].join('\r\n');
}

describe('the report part', () => {
  it('is found plain, in base64 and in quoted-printable, and parsed the same', () => {
    const plain = deliveryStatusPart(report(STATUS));
    const b64 = deliveryStatusPart(
      report(Buffer.from(STATUS).toString('base64').replace(/.{76}/g, '$&\r\n'), 'base64'),
    );
    const qp = deliveryStatusPart(report(STATUS.replace(/=/g, '=3D'), 'quoted-printable'));
    for (const part of [plain, b64, qp]) {
      const r = parseDeliveryStatus(part!);
      expect(r).toEqual({
        envelopeId: '6f1c-42',
        reportingMta: 'relay.example.cn',
        recipients: [
          {
            finalRecipient: 'worker@example.cn',
            originalRecipient: null,
            action: 'failed',
            status: '5.1.1',
            diagnostic: '550 5.1.1 <worker@example.cn>: recipient address rejected',
            remoteMta: 'mx.example.cn',
          },
          {
            finalRecipient: 'other@example.cn',
            originalRecipient: 'alias@example.cn',
            action: 'delayed',
            status: '4.4.1',
            diagnostic: null,
            remoteMta: null,
          },
        ],
      });
    }
  });

  it('is found inside a nested multipart', () => {
    const inner = report(STATUS).split('\r\n').slice(3).join('\r\n');
    const outer = [
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      inner,
      '--outer--',
    ].join('\r\n');
    expect(parseDeliveryStatus(deliveryStatusPart(outer)!)?.envelopeId).toBe('6f1c-42');
  });

  it('is absent from a plain message, and arbitrary text makes no report', () => {
    expect(deliveryStatusPart('Subject: hello\r\n\r\nhi')).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = parseDeliveryStatus(text);
        // Whatever comes out names a recipient with a known action and a well-formed status.
        for (const x of r?.recipients ?? []) expect(x.status).toMatch(/^[245]\.\d+\.\d+$/);
        expect(() => deliveryStatusPart(text)).not.toThrow();
      }),
      { seed: 20_261_205, numRuns: 500 },
    );
  });
});

describe('what a report means for service', () => {
  const r = (action: DsnRecipient['action'], status: string): DsnRecipient => ({
    finalRecipient: 'a@b',
    originalRecipient: null,
    action,
    status,
    diagnostic: null,
    remoteMta: null,
  });

  it.each([
    ['delivered', '2.0.0', 'delivered'],
    ['failed', '5.1.1', 'failed'],
    ['failed', '4.4.7', 'pending'],
    ['delayed', '4.4.1', 'pending'],
    ['relayed', '2.0.0', 'pending'],
    ['expanded', '2.0.0', 'pending'],
  ] as const)('%s %s → %s', (action, status, outcome) => {
    expect(outcomeOf(r(action, status))).toBe(outcome);
  });
});
