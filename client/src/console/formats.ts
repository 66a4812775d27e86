/** How the console writes times, durations, amounts and an institution's receipt. */
import { lang } from '../shared/i18n.js';

/** Date and time to the second, in Beijing time (the organisation's and the courts' clock). */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang(), {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** `m:ss.s`, or `h:mm:ss.s` from an hour on. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const tenths = Math.round(Math.max(0, ms) / 100);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor((tenths % 36_000) / 600);
  const s = (tenths % 600) / 10;
  const ss = s.toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * An institution's receipt as kept by the server (`{"status":200,"body":"…"}`),
 * shown as `HTTP 200 · <reply>`, the reply's JSON compacted; anything else as is.
 */
export function receiptText(receipt: string): string {
  try {
    const { status, body } = JSON.parse(receipt) as { status?: unknown; body?: unknown };
    if (typeof status !== 'number' || typeof body !== 'string') return receipt;
    let reply = body;
    try {
      reply = JSON.stringify(JSON.parse(body));
    } catch {
      // Not JSON: the reply's text as it came.
    }
    return `HTTP ${status} · ${reply}`;
  } catch {
    return receipt;
  }
}

/** An amount in yuan as `¥18,600` (cents only where there are any). */
export function formatYuan(amount: number): string {
  return `¥${amount.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`;
}
