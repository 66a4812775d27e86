/**
 * The page's side of a WebRTC transport the server made: connected through
 * the signalling connection, producing through it (send side), and asked to
 * restart ICE when its connection fails.
 */
import type { Device } from 'mediasoup-client';
import type { Transport } from 'mediasoup-client/lib/types';
import type { MediaSource, TransportOptions } from '../../../signaling/index.js';
import type { SignalingClient } from '../shared/signaling.js';

export type Direction = 'send' | 'recv';

/** Asks the server for a transport, then makes the page's side of it. */
export async function createTransport(
  signaling: SignalingClient,
  device: Device | undefined,
  direction: Direction,
): Promise<Transport> {
  if (!device) throw new Error('Device not loaded');
  return makeTransport(
    signaling,
    device,
    direction,
    await signaling.request('transport:create', { direction }),
  );
}

/** The page's side of a transport the server made. */
export function makeTransport(
  signaling: SignalingClient,
  device: Device | undefined,
  direction: Direction,
  o: TransportOptions,
): Transport {
  if (!device) throw new Error('Device not loaded');
  const options = {
    id: o.transportId,
    iceParameters: o.iceParameters,
    // mediasoup 3.12 names the candidate address `ip`; newer clients read `address`.
    iceCandidates: o.iceCandidates.map((c) => ({ ...c, address: c.ip })),
    dtlsParameters: o.dtlsParameters as Parameters<
      Device['createSendTransport']
    >[0]['dtlsParameters'],
    iceServers: o.iceServers,
  };
  const transport =
    direction === 'send'
      ? device.createSendTransport(options)
      : device.createRecvTransport(options);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling
      .request('transport:connect', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as never,
      })
      .then(() => {
        performance.mark(`mediation: ${direction} transport connect answered`);
        callback();
      }, errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      signaling
        .request('producer:create', {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as never,
          source: appData['source'] as MediaSource,
        })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
  }
  transport.on('connectionstatechange', (state) => {
    performance.mark(`mediation: ${direction} transport ${state}`);
    if (state === 'failed' && !transport.closed && signaling.connected) {
      void signaling
        .request('transport:restartIce', { transportId: transport.id })
        .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
        .catch(() => undefined);
    }
  });
  return transport;
}
