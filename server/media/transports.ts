/**
 * A participant's transports: the WebRTC ones a browser opens through the
 * signaling contract (one per direction) and the plain RTP ones made
 * server-side only (a recorder, a synthetic participant; several per
 * direction). Each is made for the participant object the caller holds, not
 * whoever holds its id by the time the router answers: a second tab of the
 * same person replaces it meanwhile, and a transport made for a closed
 * participant is closed again at once. Lookups go through the participant
 * too, so nobody reaches another participant's transport.
 */
import type {
  PlainTransport,
  Router,
  Transport,
  WebRtcTransport,
  WebRtcTransportOptions,
} from 'mediasoup/node/lib/types.js';
import type { TransportOptions } from '../../signaling/index.js';
import { MEDIA_SOURCES, can, publishPermission } from '../../signaling/index.js';
import type { Config } from '../config.js';
import { fail, NotFoundError, withClientParameters } from '../errors.js';
import {
  isPlainTransport,
  isWebRtcTransport,
  type Participant,
  type ParticipantTransport,
  type TransportAppData,
  type TransportDirection,
} from './Participant.js';
import type { MediaWorker } from './WorkerPool.js';

/** Where a server-side plain RTP transport listens (see `openPlainTransport`). */
export interface PlainTransportInfo {
  transportId: string;
  ip: string;
  port: number;
  /** Only without RTCP multiplexing; plain transports made here always multiplex. */
  rtcpPort?: number;
}

/** Where transports are made: the live router, the worker it lives on, the media settings. */
export interface TransportSite {
  router: Router;
  host: MediaWorker;
  media: Config['media'];
}

/** The participant's WebRTC transport of one direction (at most one each). */
export async function openWebRtcTransport(
  site: TransportSite,
  participant: Participant,
  direction: TransportDirection,
): Promise<TransportOptions> {
  const participantId = participant.id;
  assertMayOpen(participant, direction);
  for (const t of participant.transports.values()) {
    if (isWebRtcTransport(t) && t.appData.direction === direction) {
      throw fail('TRANSPORT_EXISTS', { direction });
    }
  }
  const appData: TransportAppData = { participantId, direction, type: 'webrtc' };
  const m = site.media;
  const listen: WebRtcTransportOptions<TransportAppData> = site.host.webRtcServer
    ? { webRtcServer: site.host.webRtcServer, appData }
    : { listenIps: [{ ip: m.listenIp, announcedIp: m.announcedIp }], appData };
  const transport: WebRtcTransport<TransportAppData> = await site.router.createWebRtcTransport({
    ...listen,
    enableUdp: m.enableUdp,
    enableTcp: m.enableTcp,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 800_000,
  });
  adopt(participant, transport);
  transport.on('dtlsstatechange', (state) => {
    if (state === 'failed' || state === 'closed') {
      participant.logger.warn({ transportId: transport.id, state }, 'transport DTLS state');
    }
  });
  if (direction === 'send') await transport.setMaxIncomingBitrate(2_500_000).catch(() => undefined);
  return {
    transportId: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    iceServers: m.iceServers,
  };
}

/**
 * A plain (unencrypted) RTP transport for server-side media. It listens on
 * the configured listen IP (never the announced one: its peer is a local
 * process), with RTP and RTCP on one port. With `comedia`, it learns its
 * remote address from the first packet it receives; otherwise call
 * `connectPlainTransport`. Same role rule as WebRTC: only a publishing role
 * may open a send one.
 */
export async function openPlainTransport(
  site: TransportSite,
  participant: Participant,
  options: { direction: TransportDirection; comedia?: boolean },
): Promise<PlainTransportInfo> {
  const { direction, comedia = false } = options;
  assertMayOpen(participant, direction);
  const appData: TransportAppData = {
    participantId: participant.id,
    direction,
    type: 'plain',
    comedia,
  };
  const transport: PlainTransport<TransportAppData> = await site.router.createPlainTransport({
    listenIp: { ip: site.media.listenIp },
    rtcpMux: true,
    comedia,
    appData,
  });
  adopt(participant, transport);
  const { localIp, localPort } = transport.tuple;
  participant.logger.info(
    { transportId: transport.id, direction, comedia, port: localPort },
    'plain transport created',
  );
  return {
    transportId: transport.id,
    ip: reachableIp(localIp),
    port: localPort,
    ...(transport.rtcpTuple ? { rtcpPort: transport.rtcpTuple.localPort } : {}),
  };
}

/** Tells a non-comedia plain transport where its peer listens. */
export async function connectPlainTransport(
  owner: Participant,
  transportId: string,
  remote: { ip: string; port: number; rtcpPort?: number },
): Promise<void> {
  const transport = ownTransport(owner, transportId);
  if (!isPlainTransport(transport)) {
    throw fail('TRANSPORT_WRONG_KIND', { transportId, kind: 'plain' });
  }
  if (transport.appData.comedia === true || transport.tuple.remotePort !== undefined) {
    throw fail('TRANSPORT_CONNECTED', { transportId });
  }
  await withClientParameters('plainTransport:connect', () =>
    transport.connect({
      ip: remote.ip,
      port: remote.port,
      ...(remote.rtcpPort !== undefined ? { rtcpPort: remote.rtcpPort } : {}),
    }),
  );
}

/** A transport of either type (WebRTC or plain) the participant owns, of `direction` if given. */
export function ownTransport(
  owner: Participant,
  transportId: string,
  direction?: TransportDirection,
): ParticipantTransport {
  const transport = owner.transports.get(transportId);
  if (!transport) throw new NotFoundError('Transport');
  if (direction && transport.appData.direction !== direction) {
    throw fail('TRANSPORT_WRONG_KIND', { transportId, kind: direction });
  }
  return transport;
}

/** A WebRTC transport; plain transports stay invisible to the signaling contract. */
export function ownWebRtcTransport(
  owner: Participant,
  transportId: string,
): WebRtcTransport<TransportAppData> {
  const transport = ownTransport(owner, transportId);
  if (!isWebRtcTransport(transport)) throw new NotFoundError('Transport');
  return transport;
}

/** Only a role that may publish some source may open a send transport. */
function assertMayOpen(participant: Participant, direction: TransportDirection): void {
  const role = participant.identity.role;
  if (direction === 'send' && !MEDIA_SOURCES.some((s) => can(role, publishPermission(s)))) {
    throw fail('ROLE_MAY_NOT_PUBLISH', { role, source: 'media' });
  }
}

/**
 * Keeps a new transport on its participant, or closes it if the participant
 * left (or was replaced) while the router made it.
 */
function adopt(participant: Participant, transport: ParticipantTransport): void {
  if (participant.closed) {
    transport.close();
    throw fail('NOT_JOINED');
  }
  participant.transports.set(transport.id, transport);
  const base: Transport<TransportAppData> = transport;
  base.observer.once('close', () => participant.transports.delete(transport.id));
}

/** A local process reaches a transport bound to the unspecified address on loopback. */
function reachableIp(localIp: string): string {
  if (localIp === '0.0.0.0') return '127.0.0.1';
  if (localIp === '::') return '::1';
  return localIp;
}
