/**
 * The mediation network's tree without a database: which kind stands under which, a subtree
 * (parents before children, every member exactly once, never beyond it) and the ancestry, on
 * generated trees (fast-check, seeded), and stored data with a cycle never loops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALLOWED_PARENTS, ancestry, sameName, subtree } from '../../server/organisations/tree.js';

const SEED = { seed: 20_261_205, numRuns: 300 };

/** A forest: node i's parent is an earlier node or none. */
const forest = fc
  .array(fc.option(fc.nat(), { nil: null }), { minLength: 1, maxLength: 40 })
  .map((parents) =>
    parents.map((p, i) => ({ id: `o${i}`, parentId: p === null || i === 0 ? null : `o${p % i}` })),
  );

describe('the organisation tree', () => {
  it('lets each kind stand only where the network has it', () => {
    expect(ALLOWED_PARENTS.bureau).toEqual([null]);
    expect(ALLOWED_PARENTS.street_town).toEqual(['district_centre']);
    expect(ALLOWED_PARENTS.enterprise_committee).not.toContain('enterprise_committee');
    for (const parents of Object.values(ALLOWED_PARENTS)) {
      expect(parents).not.toContain('enterprise_committee');
      expect(parents).not.toContain('union_trade');
    }
  });

  it('gives a subtree parents first, each member once, nothing outside it', () => {
    fc.assert(
      fc.property(forest, fc.nat(), (all, pick) => {
        const root = all[pick % all.length]!;
        const tree = subtree(all, root.id);
        expect(tree[0]).toBe(root);
        expect(new Set(tree.map((o) => o.id)).size).toBe(tree.length);
        const inTree = new Set(tree.map((o) => o.id));
        for (const o of tree.slice(1)) {
          expect(inTree.has(o.parentId!)).toBe(true);
          expect(tree.findIndex((x) => x.id === o.parentId)).toBeLessThan(tree.indexOf(o));
        }
        // Everything whose ancestry passes through the root is in it, and nothing else.
        for (const o of all)
          expect(inTree.has(o.id)).toBe(ancestry(all, o.id).some((a) => a.id === root.id));
      }),
      SEED,
    );
  });

  it('never loops on stored data with a cycle', () => {
    const cyclic = [
      { id: 'a', parentId: 'c' },
      { id: 'b', parentId: 'a' },
      { id: 'c', parentId: 'b' },
    ];
    expect(subtree(cyclic, 'a').map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(ancestry(cyclic, 'a').map((o) => o.id)).toEqual(['a', 'c', 'b']);
    expect(subtree(cyclic, 'missing')).toEqual([]);
  });

  it('compares names as people read them', () => {
    expect(sameName(' 某某街道 调解委员会 ', '某某街道调解委员会')).toBe(true);
    expect(sameName('ＡＢＣ调解委员会', 'abc调解委员会')).toBe(true);
    expect(sameName('某某街道', '某某镇')).toBe(false);
  });
});
