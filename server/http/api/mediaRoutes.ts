/**
 * The media routers' capabilities, public and cacheable: a joining page loads
 * its media device from them while its socket still connects. They say which
 * codecs the service speaks and nothing about any case or session.
 */
import type { LiveSessionRegistry } from '../../media/LiveSessionRegistry.js';
import { mediaApi } from '../../../signaling/http/media.js';
import type { RtpCapabilities } from '../../../signaling/index.js';
import { route, type RouteSpec } from './routes.js';

export interface MediaRouteDeps {
  sessions: Pick<LiveSessionRegistry, 'routerCapabilities'>;
}

export function mediaRoutes(d: MediaRouteDeps): RouteSpec[] {
  return [
    route(mediaApi.capabilities, async ({ res }) => {
      const rtpCapabilities = (await d.sessions.routerCapabilities()) as RtpCapabilities;
      res.setHeader('Cache-Control', 'public, max-age=300');
      return { rtpCapabilities };
    }),
  ];
}
