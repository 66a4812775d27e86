/**
 * Mounting the join page's document parts (Vue), beside the call page's
 * root, never inside it, so the call page's redraws never touch them: the
 * 文书 inbox after the page (its reminder before it) and the extension panel
 * right after the page. Only for parties and agents: they are the ones
 * documents are served on and whose consent an extension needs.
 */
import { createApp, markRaw, type Component } from 'vue';
import { DocumentsApi, invitationClaims } from './api.js';
import DocumentInbox from './DocumentInbox.vue';
import ExtensionPanel from './ExtensionPanel.vue';
import './documents.css';

/** A mounted part: its Vue app, to unmount. */
export interface MountedPart {
  unmount(): void;
}

function recipient(invite: string) {
  const claims = invitationClaims(invite);
  return claims && (claims.role === 'party' || claims.role === 'agent') ? claims : undefined;
}

/** `component` as its own app in `host`; unmounting removes the hosts too. */
function mountApp(
  component: Component,
  props: Record<string, unknown>,
  host: HTMLElement,
  others: HTMLElement[] = [],
): MountedPart {
  const app = createApp(component, props);
  app.mount(host);
  return {
    unmount() {
      app.unmount();
      for (const node of [host, ...others]) node.remove();
    },
  };
}

/** The inbox after `page` and its "fill in the form" / "a document waits" reminder before it. */
export function mountDocumentInbox(
  page: HTMLElement,
  invite: string,
  sessionToken?: string,
): MountedPart | undefined {
  const claims = recipient(invite);
  if (!claims) return undefined;
  const bannerHost = document.createElement('div');
  const host = document.createElement('div');
  page.before(bannerHost);
  page.after(host);
  return mountApp(
    DocumentInbox,
    {
      api: markRaw(new DocumentsApi(claims.caseId, () => invite)),
      selfId: claims.sub,
      sessionToken,
      bannerHost: markRaw(bannerHost),
    },
    host,
    [bannerHost],
  );
}

/** The answer to a proposed extension of the mediation period, right after `page`. */
export function mountExtensionPanel(page: HTMLElement, invite: string): MountedPart | undefined {
  const claims = recipient(invite);
  if (!claims) return undefined;
  const host = document.createElement('div');
  page.after(host);
  return mountApp(ExtensionPanel, { invite, sub: claims.sub, caseId: claims.caseId }, host);
}
