/** Paths of the HTTP contract filled with their parameters. No zod here: the browser imports it. */

/** `/cases/:caseId` with `{ caseId: 'a b' }` → `/cases/a%20b`. */
export function fillPath(path: string, params: Readonly<Record<string, string>>): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
