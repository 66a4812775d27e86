/**
 * Opening a served document on the party page (client/src/shared/documents/opening.ts): the
 * PDF's object URL lives as long as the part that shows it, and a reply that comes after a
 * newer opening never replaces it.
 */
import { effectScope } from 'vue';
import { describe, expect, it } from 'vitest';

interface Pdf {
  url: string;
}
interface Opening {
  opened: { value: { state: string; pdf?: Pdf } | undefined };
  open(doc: object, read: () => void): void;
}

const revoked: string[] = [];
Object.assign(URL, { revokeObjectURL: (url: string) => void revoked.push(url) });

async function load(): Promise<(api: () => object) => Opening> {
  // Through a variable: the server-side type check does not follow it into the client.
  const client = '../../client/src/shared/documents/';
  return ((await import(`${client}opening.js`)) as { useOpening: (api: () => object) => Opening })
    .useOpening;
}

/** An API whose PDF replies are released by hand, in any order. */
function heldApi() {
  const waiting: ((pdf: Pdf) => void)[] = [];
  return {
    api: { documentPdf: () => new Promise<Pdf>((resolve) => waiting.push(resolve)) },
    release: (i: number, url: string) => waiting[i]!({ url }),
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('opening a served document', () => {
  it('frees the PDF when the card that shows it goes', async () => {
    const useOpening = await load();
    const { api, release } = heldApi();
    const scope = effectScope();
    const opening = scope.run(() => useOpening(() => api))!;
    opening.open({}, () => undefined);
    release(0, 'blob:first');
    await settle();
    expect(opening.opened.value?.pdf?.url).toBe('blob:first');
    revoked.length = 0;
    scope.stop();
    expect(revoked).toEqual(['blob:first']);
  });

  it('shows the newest opening when an older reply arrives last, and frees the older PDF', async () => {
    const useOpening = await load();
    const { api, release } = heldApi();
    const scope = effectScope();
    const opening = scope.run(() => useOpening(() => api))!;
    let reads = 0;
    opening.open({}, () => reads++);
    opening.open({}, () => reads++);
    release(1, 'blob:new');
    await settle();
    revoked.length = 0;
    release(0, 'blob:old');
    await settle();
    expect(opening.opened.value?.pdf?.url).toBe('blob:new');
    expect(revoked).toEqual(['blob:old']);
    expect(reads).toBe(1);
    scope.stop();
  });
});
