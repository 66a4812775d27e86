/**
 * The dashboard's charts as Chart.js configurations, built from the server's figures (pure, no
 * canvas): caseload by month stacked by dispute type, outcomes, median days to close by month,
 * deadlines by kind, sessions online and in person by month. Each chart says what a click on
 * one of its bars or slices selects, for drilling down to the cases.
 */
import type { ChartConfiguration } from 'chart.js';
import { DISPUTE_TYPES } from '../../../signaling/http/vocabulary.js';
import { deadlineLabel } from '../shared/i18n.js';
import type { DashboardCase, DashboardView } from './apiTypes.js';
import { ct, tl } from './i18n.js';

/** What a click selects: cases of a month, a dispute type, an outcome, or both of the first two. */
export interface DrillFilter {
  month?: string;
  disputeType?: DashboardCase['disputeType'];
  outcome?: DashboardCase['outcome'] | 'refused' | 'pending';
  organisationId?: string;
  mediatorId?: string;
}

export interface DashboardChart {
  id: string;
  title: string;
  config: ChartConfiguration;
  /** The filter a click on dataset `d`, element `i` selects, if any. */
  drill?: (d: number, i: number) => DrillFilter;
}

const PALETTE = [
  '#1565c0',
  '#2e7d32',
  '#ef6c00',
  '#6a1b9a',
  '#c62828',
  '#00838f',
  '#8d6e63',
  '#757575',
];

const TYPES = DISPUTE_TYPES;

const OUTCOMES = ['agreement', 'termination', 'withdrawal', 'refused', 'pending'] as const;

const base = {
  animation: false as const,
  responsive: true,
  maintainAspectRatio: false,
};

const integerAxis = { beginAtZero: true, ticks: { precision: 0 } };

export function dashboardCharts(d: DashboardView): DashboardChart[] {
  const months = d.months.map((m) => m.month);
  const types = TYPES.filter((t) => d.months.some((m) => (m.byType[t] ?? 0) > 0));
  const outcomeLabel = (o: (typeof OUTCOMES)[number]) =>
    o === 'agreement'
      ? tl('caseStatus', 'settled')
      : o === 'termination'
        ? tl('caseStatus', 'terminated')
        : o === 'withdrawal'
          ? tl('caseStatus', 'withdrawn')
          : o === 'refused'
            ? tl('caseStatus', 'refused')
            : ct('dashboardPending');
  return [
    {
      id: 'caseload',
      title: ct('dashboardCaseload'),
      config: {
        type: 'bar',
        data: {
          labels: months,
          datasets: types.map((t) => ({
            label: tl('disputeTypes', t),
            data: d.months.map((m) => m.byType[t] ?? 0),
            backgroundColor: PALETTE[TYPES.indexOf(t) % PALETTE.length]!,
          })),
        },
        options: {
          ...base,
          scales: { x: { stacked: true }, y: { ...integerAxis, stacked: true } },
        },
      },
      drill: (ds, i) => ({ month: months[i]!, disputeType: types[ds]! }),
    },
    {
      id: 'outcomes',
      title: `${ct('dashboardOutcomes')} · ${ct('dashboardRate')} ${percent(d.settlementRate)}`,
      config: {
        type: 'doughnut',
        data: {
          labels: OUTCOMES.map(outcomeLabel),
          datasets: [
            {
              data: OUTCOMES.map((o) => d.byOutcome[o]),
              backgroundColor: ['#2e7d32', '#c62828', '#8d6e63', '#757575', '#1565c0'],
            },
          ],
        },
        options: { ...base, plugins: { legend: { position: 'bottom' } } },
      },
      drill: (_ds, i) => ({ outcome: OUTCOMES[i]! }),
    },
    {
      id: 'days',
      title: `${ct('dashboardDaysByMonth')} · ${ct('dashboardMedianDays')} ${days(d.medianDaysToClose)}`,
      config: {
        type: 'line',
        data: {
          labels: months,
          datasets: [
            {
              label: ct('dashboardMedianDays'),
              data: d.months.map((m) => m.medianDaysToClose),
              borderColor: '#6a1b9a',
              backgroundColor: '#6a1b9a',
              spanGaps: true,
            },
          ],
        },
        options: { ...base, scales: { y: integerAxis } },
      },
      drill: (_ds, i) => ({ month: months[i]! }),
    },
    {
      id: 'deadlines',
      title: ct('dashboardDeadlines'),
      config: {
        type: 'bar',
        data: {
          labels: d.deadlines.map((x) => deadlineLabel(x.kind)),
          datasets: [
            {
              label: ct('dashboardDeadlineMet'),
              data: d.deadlines.map((x) => x.met),
              backgroundColor: '#2e7d32',
            },
            {
              label: ct('dashboardDeadlineOverdue'),
              data: d.deadlines.map((x) => x.overdue),
              backgroundColor: '#c62828',
            },
            {
              label: ct('dashboardDeadlineOpen'),
              data: d.deadlines.map((x) => x.open),
              backgroundColor: '#90a4ae',
            },
          ],
        },
        options: {
          ...base,
          indexAxis: 'y',
          scales: { x: { ...integerAxis, stacked: true }, y: { stacked: true } },
        },
      },
    },
    {
      id: 'sessions',
      title: `${ct('dashboardSessions')} · ${ct('dashboardOnline')} ${d.sessions.online} / ${ct('dashboardInPerson')} ${d.sessions.inPerson}`,
      config: {
        type: 'bar',
        data: {
          labels: months,
          datasets: [
            {
              label: ct('dashboardOnline'),
              data: d.months.map((m) => m.sessionsOnline),
              backgroundColor: '#1565c0',
            },
            {
              label: ct('dashboardInPerson'),
              data: d.months.map((m) => m.sessionsInPerson),
              backgroundColor: '#ef6c00',
            },
          ],
        },
        options: {
          ...base,
          scales: { x: { stacked: true }, y: { ...integerAxis, stacked: true } },
        },
      },
      drill: (_ds, i) => ({ month: months[i]! }),
    },
  ];
}

export function percent(rate: number | null): string {
  return rate === null ? ct('dashboardNone') : `${(rate * 100).toFixed(1)}%`;
}

export function days(n: number | null): string {
  return n === null ? ct('dashboardNone') : ct('dashboardDays', { n });
}

/** The cases a drill filter selects. */
export function drilled(cases: readonly DashboardCase[], f: DrillFilter): DashboardCase[] {
  return cases.filter(
    (c) =>
      (f.month === undefined || c.month === f.month) &&
      (f.disputeType === undefined || c.disputeType === f.disputeType) &&
      (f.organisationId === undefined || c.organisationId === f.organisationId) &&
      (f.mediatorId === undefined || c.mediatorId === f.mediatorId) &&
      (f.outcome === undefined ||
        (f.outcome === 'refused'
          ? c.status === 'refused'
          : f.outcome === 'pending'
            ? c.outcome === null && c.status !== 'refused'
            : c.outcome === f.outcome)),
  );
}
