/**
 * A build step: the join page's HTML names the media client's chunks
 * (mediasoup-client, the floor) as low-priority module
 * preloads, so the browser fetches and compiles them while it still loads
 * and runs the small entry. Without it they are asked for only once the
 * entry has run. (socket.io-client is in the entry itself: the socket
 * connects while the entry runs.)
 *
 * The first screen does not wait for them: `fetchpriority="low"` lets the
 * entry and its stylesheet go first on a slow link, and module preloads
 * never block rendering. They carry `data-media` so that the first-screen
 * budget (tests/e2e/first-screen.test.ts) can tell them apart.
 */
import type { Plugin } from 'vite';

/**
 * The modules `client/src/call/lazyParts.ts` loads for everyone's call (`callParts`), but
 * for LATE_CALL_MODULES; the mediator's case register (`mediatorParts`) is not preloaded:
 * parties never use it.
 */
export const CALL_MODULES = ['/src/call/CallClient.ts', '/src/call/floor/SessionFloor.ts'];

/**
 * Parts of `callParts` left to its own request, made when the entry runs: the in-call view
 * and the Vue runtime. Preloaded with the others they competed with the entry and the media
 * client for the page's thread, and the join got slower (bench:join, A/B over 6 pairs:
 * median 1,661 ms preloaded, 1,561 ms not).
 */
export const LATE_CALL_MODULES = ['/src/call/view/mount.ts'];

export function preloadMedia(page = 'index.html'): Plugin {
  return {
    name: 'mediation:preload-media',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle || !ctx.filename.endsWith(`/${page}`)) return [];
        const chunks = new Map(
          Object.values(bundle)
            .filter((c) => c.type === 'chunk')
            .map((c) => [c.fileName, c]),
        );
        // The entry's own chunks are loaded by the page already.
        const entry = [...chunks.values()].find(
          (c) => c.isEntry && c.facadeModuleId?.endsWith(`/${page}`),
        );
        const loaded = new Set(entry ? [entry.fileName, ...entry.imports] : []);
        const wanted: string[] = [];
        const add = (fileName: string): void => {
          if (loaded.has(fileName) || wanted.includes(fileName)) return;
          const chunk = chunks.get(fileName);
          if (!chunk) return;
          wanted.push(fileName);
          chunk.imports.forEach(add);
        };
        for (const chunk of chunks.values())
          if (CALL_MODULES.some((m) => chunk.facadeModuleId?.endsWith(m))) add(chunk.fileName);
        return wanted.map((fileName) => ({
          tag: 'link',
          attrs: {
            rel: 'modulepreload',
            crossorigin: true,
            href: `/${fileName}`,
            fetchpriority: 'low',
            'data-media': true,
          },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}
