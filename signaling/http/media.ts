/**
 * The HTTP contract of the media routers' capabilities: the same for every
 * session (one codec list), public and cacheable, so that a joining page can
 * load its media device while its socket still connects.
 */
import { z } from 'zod';
import { rtpCapabilitiesSchema } from '../media-schemas.js';
import { endpoint } from './endpoint.js';

export const mediaApi = {
  capabilities: endpoint({
    method: 'get',
    path: '/media/capabilities',
    summary:
      'The RTP capabilities of the media routers (codecs, header extensions): the same for every session; no credential needed',
    tag: 'media',
    auth: 'none',
    response: z.object({ rtpCapabilities: rtpCapabilitiesSchema }).strict(),
  }),
} as const;

/** What `GET /api/media/capabilities` answers. */
export type RouterCapabilitiesReply = z.output<typeof mediaApi.capabilities.response>;
