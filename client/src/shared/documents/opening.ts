/**
 * Opening a served document: its PDF fetched with the invitation token and
 * its SHA-256 checked against the issue record (api.ts), kept by the part that
 * shows it (a card, the consent summary) for as long as that part lives.
 */
import { shallowRef, type ShallowRef } from 'vue';
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
  return {
    opened,
    open(doc, read) {
      opened.value = { state: 'loading' };
      api()
        .documentPdf(doc)
        .then(
          (pdf) => {
            if (url) URL.revokeObjectURL(url);
            url = pdf.url;
            opened.value = { state: 'ready', pdf };
            read();
          },
          (error: unknown) => {
            opened.value = { state: 'failed', message: (error as Error).message };
          },
        );
    },
  };
}
