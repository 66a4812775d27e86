/**
 * SMPP delivery receipts (SMPP 3.4 Appendix B; the text format every SMSC sends in a deliver_sm
 * with esm_class "MC delivery receipt"): `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done
 * date:YYMMDDhhmm stat:DELIVRD err:000 text:…`, and in 3.4+ the TLVs receipted_message_id and
 * message_state, which win when present. Pure parsing.
 */

export type ReceiptState =
  'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE';

export interface SmsReceipt {
  messageId: string;
  state: ReceiptState;
  /** The carrier's error code (`err:`), when given. */
  error: string | null;
  doneDate: string | null;
}

/** message_state TLV values (SMPP 3.4 §5.3.2.35). */
const STATE_BY_TLV: Record<number, ReceiptState> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

const STATES = new Set<string>(Object.values(STATE_BY_TLV));

/** Some SMSCs write the states out in full or in lower case. */
const ALIASES: Record<string, ReceiptState> = {
  DELIVERED: 'DELIVRD',
  UNDELIVERABLE: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  REJECTED: 'REJECTD',
};

function field(text: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'i').exec(text);
  return m?.[1] ?? null;
}

/** A receipt from its text and TLVs, or null when it is not one we can read. */
export function parseReceipt(
  text: string,
  tlv: { receiptedMessageId?: unknown; messageState?: unknown } = {},
): SmsReceipt | null {
  const tlvId =
    typeof tlv.receiptedMessageId === 'string' && tlv.receiptedMessageId.trim()
      ? tlv.receiptedMessageId.trim()
      : null;
  const id = tlvId ?? field(text, 'id');
  const stat = field(text, 'stat')?.toUpperCase() ?? null;
  const fromText = stat && STATES.has(stat) ? (stat as ReceiptState) : stat ? ALIASES[stat] : null;
  const fromTlv = typeof tlv.messageState === 'number' ? STATE_BY_TLV[tlv.messageState] : null;
  const state = fromTlv ?? fromText ?? null;
  if (!id || !state) return null;
  const done = /done date:(\d{10,12})/i.exec(text)?.[1] ?? null;
  return { messageId: id, state, error: field(text, 'err'), doneDate: done };
}

/** What a receipt means: on the handset, failed for good, or nothing final yet. */
export function receiptOutcome(state: ReceiptState): 'delivered' | 'failed' | 'pending' {
  if (state === 'DELIVRD') return 'delivered';
  if (state === 'ACCEPTD' || state === 'ENROUTE' || state === 'UNKNOWN') return 'pending';
  return 'failed';
}

/**
 * The forms one message id may take: SMSCs are known to answer submit_sm with an id in hex and
 * report it in decimal, or the other way round (SMPP 3.4 leaves the receipt's `id:` format open).
 */
export function idForms(id: string): string[] {
  const forms = new Set([id]);
  if (/^[0-9]{1,18}$/.test(id)) forms.add(BigInt(id).toString(16));
  if (/^[0-9a-f]{1,15}$/i.test(id)) {
    forms.add(BigInt(`0x${id}`).toString(10));
    forms.add(id.toLowerCase());
    forms.add(id.toUpperCase());
  }
  return [...forms];
}
