/**
 * SMS's configuration (README "Channels"): the SMSC's SMPP account, the sender id and the
 * signature. Without SMPP_URL the outbox stays the only record of SMS, as before.
 */
import { z } from 'zod';
import {
  DEFAULT_CODE_TEMPLATE,
  DEFAULT_NOTICE_TEMPLATE,
  checkTemplate,
  type SmsTemplates,
} from '../documents/smsTemplates.js';
import type { SmppConfig } from './SmppGateway.js';

export const smsEnvSchema = z.object({
  /** smpp://host:port (or ssmpp:// for TLS) of the carrier's or aggregator's SMSC. */
  SMPP_URL: z
    .string()
    .regex(
      /^s?smpp:\/\/[^\s/:]+(:\d{1,5})?\/?$/,
      'SMPP_URL is smpp://host:port or ssmpp://host:port',
    )
    .optional(),
  SMPP_SYSTEM_ID: z.string().max(15).optional(),
  SMPP_PASSWORD: z.string().max(8, 'SMPP passwords are at most 8 characters').optional(),
  SMPP_SYSTEM_TYPE: z.string().max(12).default(''),
  /** The sender id or service number the carrier assigned (source_addr). */
  SMS_SENDER: z.string().min(1).max(20).optional(),
  /** 【signature】 before every text, as registered with the carrier. */
  SMS_SIGNATURE: z.string().min(2).max(12).default('劳动人事争议调解'),
  SMPP_ENQUIRE_LINK_SECONDS: z.coerce.number().int().min(5).max(300).default(30),
  /** The notice's wording as registered with the carrier; placeholders in documents/smsTemplates.ts. */
  SMS_TEMPLATE_NOTICE: z.string().min(1).max(300).optional(),
  /** The signing code's wording as registered with the carrier. */
  SMS_TEMPLATE_CODE: z.string().min(1).max(300).optional(),
});

export class SmsConfigError extends Error {}

/** The SMS gateway's settings, or undefined when no SMSC is configured. */
export function smsConfig(e: z.output<typeof smsEnvSchema>): SmppConfig | undefined {
  if (!e.SMPP_URL) return undefined;
  if (!e.SMPP_SYSTEM_ID || e.SMPP_PASSWORD === undefined || !e.SMS_SENDER)
    throw new SmsConfigError('SMPP_URL needs SMPP_SYSTEM_ID, SMPP_PASSWORD and SMS_SENDER');
  return {
    url: e.SMPP_URL,
    systemId: e.SMPP_SYSTEM_ID,
    password: e.SMPP_PASSWORD,
    systemType: e.SMPP_SYSTEM_TYPE,
    sender: e.SMS_SENDER,
    signature: e.SMS_SIGNATURE,
    enquireLinkMs: e.SMPP_ENQUIRE_LINK_SECONDS * 1000,
    responseMs: 10_000,
  };
}

/** The SMS wording: the operator's registered templates, checked, or the built-in ones. */
export function smsTemplates(e: z.output<typeof smsEnvSchema>): SmsTemplates {
  const notice = e.SMS_TEMPLATE_NOTICE ?? DEFAULT_NOTICE_TEMPLATE;
  const code = e.SMS_TEMPLATE_CODE ?? DEFAULT_CODE_TEMPLATE;
  const problem =
    (checkTemplate('notice', notice) &&
      `SMS_TEMPLATE_NOTICE: ${checkTemplate('notice', notice)}`) ||
    (checkTemplate('code', code) && `SMS_TEMPLATE_CODE: ${checkTemplate('code', code)}`);
  if (problem) throw new SmsConfigError(problem);
  return { notice, code };
}
