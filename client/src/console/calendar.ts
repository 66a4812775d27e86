/** The holiday lines a clerk types into CalendarPanel.vue's form, read into ranges. */
import type { CalendarYearInput } from './api.js';

const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const HOLIDAY_LINE = new RegExp(`^(${DATE})(?:\\s*(?:至|~|–|—|to|\\s)\\s*(${DATE}))?\\s+(.+)$`);

/** "2027-10-01 2027-10-07 国庆节" (or one date for a single day) → a range. */
export function parseHolidayLines(
  text: string,
): { holidays: CalendarYearInput['holidays'] } | { bad: string } {
  const holidays: CalendarYearInput['holidays'] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = HOLIDAY_LINE.exec(line);
    if (!m) return { bad: line };
    holidays.push({ first: m[1]!, last: m[2] ?? m[1]!, name: m[3]!.trim() });
  }
  return { holidays };
}
