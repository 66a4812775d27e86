/**
 * Portable SQL's `?` placeholders become PostgreSQL's `$1…` in order, and a `?`
 * inside a quoted string, a quoted name or a comment stays as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toPostgresPlaceholders } from '../../server/db/sql/PostgresClient.js';

describe('toPostgresPlaceholders', () => {
  it('numbers placeholders and leaves quoted text and comments alone', () => {
    expect(
      toPostgresPlaceholders(
        `SELECT '?' AS q, "a?b" FROM t -- why?\nWHERE x = ? /* ? */ AND y IN (?, ?) AND z = 'it''s ?'`,
      ),
    ).toBe(
      `SELECT '?' AS q, "a?b" FROM t -- why?\nWHERE x = $1 /* ? */ AND y IN ($2, $3) AND z = 'it''s ?'`,
    );
  });

  it('turns the n-th bare ? into $n and changes nothing else (generated statements)', () => {
    const piece = fc.oneof(
      fc.constant({ text: '?', bare: true }),
      fc.stringMatching(/^[a-z_ =,()<>0-9]{0,12}$/).map((text) => ({ text, bare: false })),
      fc.stringMatching(/^[a-z ?]{0,8}$/).map((s) => ({ text: `'${s}'`, bare: false })),
      fc.stringMatching(/^[a-z ?]{0,8}$/).map((s) => ({ text: `/* ${s} */`, bare: false })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        let n = 0;
        const expected = pieces.map((p) => (p.bare ? `$${++n}` : p.text)).join('');
        expect(toPostgresPlaceholders(pieces.map((p) => p.text).join(''))).toBe(expected);
      }),
      { seed: 18, numRuns: 500 },
    );
  });
});
