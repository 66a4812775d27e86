/**
 * What a statistics report says (统计报表, issue 21): its period (a month or a quarter), and the
 * dashboard's figures of the organisation and those below it as the PDF's tables and the CSV's
 * sections. Pure; ReportService.ts renders, stores and signs.
 */
import { DEADLINE_KIND_LABELS, DISPUTE_TYPE_LABELS, DISPUTE_TYPES } from '../cases/model.js';
import { csvField, csvRow } from '../cases/statistics.js';
import type { DocumentLayout } from '../documents/PdfRenderer.js';
import type { Dashboard } from '../organisations/dashboard.js';

export interface ReportPeriod {
  kind: 'month' | 'quarter';
  /** `2026-11` or `2026-Q4`. */
  period: string;
  from: string;
  to: string;
  /** 2026年11月, 2026年第四季度. */
  label: string;
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

function lastDay(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The period a report string names; undefined when it names none. */
export function parsePeriod(period: string): ReportPeriod | undefined {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    return {
      kind: 'month',
      period,
      from: `${month[1]}-${month[2]}-01`,
      to: lastDay(y, m),
      label: `${y}年${m}月`,
    };
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!quarter) return undefined;
  const [y, q] = [Number(quarter[1]), Number(quarter[2])];
  const first = (q - 1) * 3 + 1;
  return {
    kind: 'quarter',
    period,
    from: `${y}-${String(first).padStart(2, '0')}-01`,
    to: lastDay(y, first + 2),
    label: `${y}年第${QUARTER_NAMES[q - 1]}季度`,
  };
}

/** The month and the quarter that ended last before `today` (Asia/Shanghai date). */
export function lastEndedPeriods(today: string): [string, string] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const prevMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const q = Math.floor((m - 1) / 3); // 0-based quarter of today
  const prevQuarter = q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  return [prevMonth, prevQuarter];
}

/** `2026-12-06 01:22（北京时间）`: Shanghai has had no daylight saving time since 1991. */
function beijingTime(instant: string): string {
  const t = new Date(Date.parse(instant) + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}（北京时间）`;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const num = (n: number | null) => (n === null ? '—' : String(n));

interface Section {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

function sections(d: Dashboard): Section[] {
  return [
    {
      title: '一、总体情况',
      header: ['指标', '数值'],
      rows: [
        ['收案数', d.totals.received],
        ['受理数', d.totals.accepted],
        ['不予受理数', d.totals.refused],
        ['办理中', d.totals.open],
        ['结案数', d.totals.closed],
        ['调解成功数', d.totals.settled],
        ['调解终止数', d.totals.terminated],
        ['撤回数', d.totals.withdrawn],
        ['调解成功率', pct(d.settlementRate)],
        ['结案天数中位数', num(d.medianDaysToClose)],
        ['涉及劳动者人数', d.people.workers],
        ['涉及用人单位数', d.people.employers],
        ['请求金额合计（元）', d.people.amountClaimed],
        ['集体争议案件数', d.people.collectiveCases],
        ['线上调解会议（已召开）', d.sessions.online],
        ['现场调解会议（已召开）', d.sessions.inPerson],
      ],
    },
    {
      title: '二、按纠纷类型',
      header: ['纠纷类型', '收案数'],
      rows: DISPUTE_TYPES.map((t) => [DISPUTE_TYPE_LABELS[t], d.byDisputeType[t]]),
    },
    {
      title: '三、期限执行情况',
      header: ['期限', '按期', '逾期', '进行中'],
      rows: d.deadlines.map((x) => [DEADLINE_KIND_LABELS[x.kind], x.met, x.overdue, x.open]),
    },
    {
      title: '四、各调解组织',
      header: ['组织', '收案', '办理中', '调解成功', '成功率', '逾期期限'],
      rows: d.organisations.map((o) => [
        o.name,
        o.received,
        o.open,
        o.settled,
        pct(o.settlementRate),
        o.overdue,
      ]),
    },
    {
      title: '五、各调解员',
      header: ['调解员', '办理中', '结案', '调解成功', '成功率', '召开会议'],
      rows: d.mediators.map((m) => [
        m.name,
        m.open,
        m.closed,
        m.settled,
        pct(m.settlementRate),
        m.sessionsHeld,
      ]),
    },
  ];
}

export function reportLayout(
  organisation: string,
  period: ReportPeriod,
  d: Dashboard,
  meta: { reportId: string; generatedAt: string },
): DocumentLayout {
  return {
    title: '劳动人事争议调解工作统计报表',
    subtitle: `${organisation} · ${period.label}（${period.from} 至 ${period.to}）`,
    blocks: [
      {
        type: 'fields',
        rows: [
          ['填报单位', organisation],
          ['统计期间', `${period.label}（${period.from} 至 ${period.to}）`],
          ['统计范围', '本组织及下属调解组织受理的案件（按收案日期）'],
          ['生成时间', beijingTime(meta.generatedAt)],
        ],
      },
      ...sections(d).flatMap((s) => [
        { type: 'heading' as const, text: s.title },
        {
          type: 'table' as const,
          header: s.header,
          rows: s.rows.map((r) => r.map(String)),
        },
      ]),
      {
        type: 'paragraph',
        text: '本报表由在线调解平台按案件数据生成，生成后不再改动；PDF 与 CSV 的 SHA-256 及其电子签名可在平台核验。',
      },
    ],
    footer: `统计报表 ${meta.reportId}`,
  };
}

/** RFC 4180 fields; a BOM so that spreadsheet software reads UTF-8. */
export function reportCsv(organisation: string, period: ReportPeriod, d: Dashboard): string {
  const lines: string[] = [
    csvRow(['填报单位', organisation]),
    csvRow(['统计期间', `${period.from} 至 ${period.to}`]),
  ];
  for (const s of sections(d)) {
    lines.push('', csvField(s.title), csvRow(s.header));
    for (const r of s.rows) lines.push(csvRow(r));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
