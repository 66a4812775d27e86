/**
 * The join page preloads the modules its call needs for everyone: the lists in
 * client/preloadMedia.ts follow `callParts` in client/src/call/lazyParts.ts, so that a
 * part added there is fetched early (or named as left to load late) and a part moved out
 * (a mediator's only) is not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CALL_MODULES, LATE_CALL_MODULES } from '../../client/preloadMedia.js';

/** The modules a `once(async () => …)` part named `name` imports, as paths under client/. */
function partModules(source: string, name: string): string[] {
  const start = source.indexOf(`export const ${name} = once(`);
  expect(start, `${name} in lazyParts.ts`).toBeGreaterThanOrEqual(0);
  const end = source.indexOf('\n});', start);
  const body = source.slice(start, end);
  return [...body.matchAll(/import\('\.\/([^']+)\.js'\)/g)].map((m) => `/src/call/${m[1]}.ts`);
}

describe('the join page’s media preloads', () => {
  const lazyParts = readFileSync('client/src/call/lazyParts.ts', 'utf8');

  it('name every module callParts loads, and nothing else, but those left to load late', () => {
    expect([...CALL_MODULES, ...LATE_CALL_MODULES].sort()).toEqual(
      partModules(lazyParts, 'callParts').sort(),
    );
    for (const m of LATE_CALL_MODULES) expect(CALL_MODULES).not.toContain(m);
  });

  it('leave out the mediator’s parts', () => {
    const mediator = partModules(lazyParts, 'mediatorParts');
    expect(mediator).toContain('/src/call/floor/caseRegister.ts');
    for (const m of mediator) expect(CALL_MODULES).not.toContain(m);
  });
});
