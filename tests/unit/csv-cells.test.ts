/**
 * CSV cells that spreadsheet software would run as formulas (CSV injection): an organisation
 * or mediator name a clerk typed, such as `=HYPERLINK(…)`, reaches a bureau's spreadsheet in a
 * statistics report. Text starting with = + - @ or a tab/carriage return is written with a
 * leading apostrophe; numbers, dates and ordinary text are written as they are.
 */
import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../server/cases/statistics.js';
import { computeDashboard } from '../../server/organisations/dashboard.js';
import { parsePeriod, reportCsv } from '../../server/reports/reportContent.js';

describe('CSV cells', () => {
  it('never starts a text cell with a formula character', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
    for (const t of ['+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1'])
      expect(csvField(t).replace(/^"/, '').startsWith("'"), t).toBe(true);
    expect(csvRow(['收案数', 3, '2026-11-01', '—', -4])).toBe('收案数,3,2026-11-01,—,-4');
  });

  it('keeps a hostile organisation name inert in a report', () => {
    const period = parsePeriod('2026-11')!;
    const name = '=cmd|" /C calc"!A0';
    const d = computeDashboard(
      {
        organisations: [{ id: 'o', name, kind: 'district_centre', parentId: null, createdAt: '' }],
        ...{ cases: [], deadlines: [], parties: new Map(), claimed: new Map() },
        ...{ sessions: [], mediators: [] },
      },
      period,
      new Date('2026-12-05T00:00:00Z'),
    );
    const lines = reportCsv(name, period, d)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).toBe(`填报单位,"'=cmd|"" /C calc""!A0"`);
    expect(lines.some((l) => /(^|,)=/.test(l))).toBe(false);
  });
});
