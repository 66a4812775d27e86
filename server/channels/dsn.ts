/**
 * Delivery status notifications (RFC 3464): the report a mail system returns when it has
 * delivered a message, or cannot. Its `message/delivery-status` part is a block of fields about
 * the message (Original-Envelope-Id: the id we gave the relay with the message), then one block
 * per recipient (Final-Recipient, Action, Status, Diagnostic-Code, Remote-MTA). Pure parsing; the
 * receiver (DsnReceiver.ts) finds the part in the MIME message.
 */

/** RFC 3464 §2.3.3: what the reporting system did with the message for this recipient. */
export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface DsnRecipient {
  /** The address as the reporting system names it, without its type prefix (`rfc822;`). */
  finalRecipient: string;
  /** The address the message was sent to (ORCPT), when the report names it. */
  originalRecipient: string | null;
  action: DsnAction;
  /** Enhanced status code (RFC 3463), e.g. 2.0.0, 5.1.1. */
  status: string;
  diagnostic: string | null;
  remoteMta: string | null;
}

export interface DeliveryReport {
  /** The envelope id we sent with the message (ENVID), if the relay returned it. */
  envelopeId: string | null;
  reportingMta: string | null;
  recipients: DsnRecipient[];
}

const ACTIONS: readonly DsnAction[] = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'];

/** Header-style fields of one block; folded lines joined, names lower-cased. */
function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      out.set(last, `${out.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** `rfc822; someone@example.com` → `someone@example.com`. */
function typed(value: string | undefined): string | null {
  if (!value) return null;
  const semi = value.indexOf(';');
  const text = (semi >= 0 ? value.slice(semi + 1) : value).trim();
  return text === '' ? null : text;
}

/**
 * The report in a `message/delivery-status` body, or null when it names no recipient with a
 * known action and a status: something else, not a report to act on.
 */
export function parseDeliveryStatus(body: string): DeliveryReport | null {
  const blocks = body
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  if (blocks.length < 2) return null;
  const message = fields(blocks[0]!);
  const recipients: DsnRecipient[] = [];
  for (const block of blocks.slice(1)) {
    const f = fields(block);
    const action = f.get('action')?.toLowerCase() as DsnAction | undefined;
    const status = /^([245])\.\d{1,3}\.\d{1,3}/.exec(f.get('status') ?? '')?.[0];
    const finalRecipient = typed(f.get('final-recipient') ?? f.get('original-recipient'));
    if (!action || !ACTIONS.includes(action) || !status || !finalRecipient) continue;
    recipients.push({
      finalRecipient: finalRecipient.toLowerCase(),
      originalRecipient: typed(f.get('original-recipient'))?.toLowerCase() ?? null,
      action,
      status,
      diagnostic: typed(f.get('diagnostic-code')),
      remoteMta: typed(f.get('remote-mta')),
    });
  }
  if (recipients.length === 0) return null;
  return {
    envelopeId: message.get('original-envelope-id')?.trim() || null,
    reportingMta: typed(message.get('reporting-mta')),
    recipients,
  };
}

/**
 * What a report means for a message: it reached the recipient's mail system (`delivered` with a
 * 2.x.x status), failed for good (`failed` with 5.x.x), or nothing final yet (delayed; relayed
 * or expanded onward, which proves no arrival).
 */
export function outcomeOf(r: DsnRecipient): 'delivered' | 'failed' | 'pending' {
  if (r.action === 'delivered' && r.status.startsWith('2')) return 'delivered';
  if (r.action === 'failed' && r.status.startsWith('5')) return 'failed';
  return 'pending';
}

/** A MIME entity's header fields (folded lines joined) and its body. */
function entity(text: string): { headers: Map<string, string>; body: string } {
  const normal = text.replace(/\r\n/g, '\n');
  const split = normal.indexOf('\n\n');
  const head = split < 0 ? normal : normal.slice(0, split);
  return { headers: fields(head), body: split < 0 ? '' : normal.slice(split + 2) };
}

function boundaryOf(contentType: string | undefined): string | null {
  return /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1] ?? null;
}

function decoded(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable')
    return body
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return body;
}

/**
 * The `message/delivery-status` part of a report (RFC 6522 `multipart/report`, possibly inside
 * another multipart), decoded; null when the message has none.
 */
export function deliveryStatusPart(raw: string, depth = 0): string | null {
  const { headers, body } = entity(raw);
  const type = headers.get('content-type')?.toLowerCase() ?? 'text/plain';
  if (type.startsWith('message/delivery-status'))
    return decoded(body, headers.get('content-transfer-encoding'));
  const boundary = boundaryOf(headers.get('content-type'));
  if (!type.startsWith('multipart/') || !boundary || depth > 3) return null;
  const parts = body.split(
    new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*$`, 'm'),
  );
  for (const part of parts.slice(1)) {
    const found = deliveryStatusPart(part.replace(/^\n/, ''), depth + 1);
    if (found !== null) return found;
  }
  return null;
}
