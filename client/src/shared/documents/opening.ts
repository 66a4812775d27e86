/**
 * Opening a served document: its PDF fetched with the invitation token and
 * its SHA-256 checked against the issue record (api.ts), kept by the part that
 * shows it (a card, the consent summary) for as long as that part lives.
 */
import { getCurrentScope, onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { DocumentsApi, FetchedPdf } from './api.js';
import type { DocumentView } from './model.js';

export type Opened =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; pdf: FetchedPdf };

export interface Opening {
  readonly opened: ShallowRef<Opened | undefined>;
  /** Fetches and checks the PDF; `read` runs once it arrived (the server recorded the reading). */
  open(doc: DocumentView, read: () => void): void;
}

export function useOpening(api: () => DocumentsApi): Opening {
  const opened = shallowRef<Opened | undefined>();
  let url: string | undefined;
  /** The latest opening: an older reply arriving after it is dropped. */
  let latest = 0;
  // The PDF goes with the part that shows it.
  if (getCurrentScope())
    onScopeDispose(() => {
      if (url) URL.revokeObjectURL(url);
      url = undefined;
    });
  return {
    opened,
    open(doc, read) {
      const attempt = ++latest;
      opened.value = { state: 'loading' };
      api()
        .documentPdf(doc)
        .then(
          (pdf) => {
            if (attempt !== latest) {
              URL.revokeObjectURL(pdf.url);
              return;
            }
            if (url) URL.revokeObjectURL(url);
            url = pdf.url;
            opened.value = { state: 'ready', pdf };
            read();
          },
          (error: unknown) => {
            if (attempt === latest)
              opened.value = { state: 'failed', message: (error as Error).message };
          },
        );
    },
  };
}
