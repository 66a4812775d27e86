/**
 * TEST DATA — NOT THE OFFICIAL 2027 SCHEDULE. An invented but plausible State Council holiday
 * schedule for 2027 (dates chosen around the real festivals, weekdays checked), used only to
 * exercise loading a year the project does not ship. Never copy it into the shipped calendar.
 */
export function testSchedule2027(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    year: 2027,
    holidays: [
      { first: '2027-01-01', last: '2027-01-03', name: '元旦（测试数据）' },
      { first: '2027-02-06', last: '2027-02-12', name: '春节（测试数据）' },
      { first: '2027-04-03', last: '2027-04-05', name: '清明节（测试数据）' },
      { first: '2027-05-01', last: '2027-05-05', name: '劳动节（测试数据）' },
      { first: '2027-06-09', last: '2027-06-09', name: '端午节（测试数据）' },
      { first: '2027-09-15', last: '2027-09-15', name: '中秋节（测试数据）' },
      { first: '2027-10-01', last: '2027-10-07', name: '国庆节（测试数据）' },
    ],
    workdays: ['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'],
    source: {
      title: '测试数据：虚构的 2027 年部分节假日安排（非官方）',
      number: 'TEST-2027-1',
      url: 'https://example.org/test-data/holidays-2027',
      publishedOn: '2026-11-10',
    },
    ...overrides,
  };
}
