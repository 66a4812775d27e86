/**
 * A mediasoup-client Device driven by mediasoup-client's FakeHandler: the real
 * client-side negotiation logic (RTP parameters, transports, producers,
 * consumers) without a browser. DTLS never completes, so no media flows; the
 * end-to-end tests cover media with real Chromium.
 */
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device } from 'mediasoup-client';
import { FakeHandler } from 'mediasoup-client/lib/handlers/FakeHandler.js';
import * as fakeParameters from 'mediasoup-client/lib/test/fakeParameters.js';
import type { Consumer, Producer, Transport } from 'mediasoup-client/lib/types.js';
import type {
  ConsumerOptions,
  JoinResult,
  MediaSource,
  RtpCapabilities,
  TransportOptions,
} from '../../signaling/index.js';
import { admitChecked, type TestClient } from './client.js';

export interface FakePeer {
  device: Device;
  join: JoinResult;
  createTransport(direction: 'send' | 'recv'): Promise<Transport>;
  /** The page's side of a transport the server made already (`JoinResult.receive`). */
  adoptTransport(direction: 'send' | 'recv', o: TransportOptions): Transport;
  produce(transport: Transport, source: MediaSource): Promise<Producer>;
  /** With `made`, the consumer the server made already; otherwise asked for. */
  consume(
    transport: Transport,
    producerId: string,
    made?: ConsumerOptions,
  ): Promise<{ consumer: Consumer; options: ConsumerOptions }>;
}

/**
 * Joins through a FakeHandler device. A participant who lands in the waiting
 * room is admitted by `admitBy` (a mediator's client, after confirming their
 * identity, see `admitChecked`) or, with `awaitAdmission`, waits for someone
 * else to admit them; `join` is then the session as the admission delivered it.
 */
export async function fakePeer(
  client: TestClient,
  options: { admitBy?: TestClient; awaitAdmission?: boolean; receive?: boolean } = {},
): Promise<FakePeer> {
  const device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
  const { rtpCapabilities } = await client.request('media:capabilities', {});
  await device.load({
    routerRtpCapabilities: rtpCapabilities as Parameters<
      Device['load']
    >[0]['routerRtpCapabilities'],
  });
  // Someone else's admission may come right behind the join's ack, even in the same
  // read from the connection (whose messages are then handled back to back, before
  // the code after the ack runs): the grant is listened for before the join is sent.
  let early: JoinResult | undefined;
  const keep = (granted: JoinResult): void => {
    early ??= granted;
  };
  if (options.awaitAdmission) client.socket.on('admission:granted', keep);
  let join: JoinResult;
  try {
    join = await client.request('session:join', {
      rtpCapabilities: device.rtpCapabilities as RtpCapabilities,
      ...(options.receive ? { receive: true } : {}),
    });
    if (join.admission === 'waiting' && options.admitBy) {
      const granted = client.next('admission:granted');
      await admitChecked(options.admitBy, join.self.participantId);
      join = await granted;
    } else if (join.admission === 'waiting' && options.awaitAdmission) {
      join = early ?? (await client.next('admission:granted', 60_000));
    }
  } finally {
    client.socket.off('admission:granted', keep);
  }

  const toClientOptions = (o: TransportOptions) => ({
    id: o.transportId,
    iceParameters: o.iceParameters,
    iceCandidates: o.iceCandidates.map((c) => ({ ...c, address: c.ip })),
    dtlsParameters: o.dtlsParameters as Parameters<
      Device['createSendTransport']
    >[0]['dtlsParameters'],
  });

  const peer: FakePeer = {
    device,
    join,
    async createTransport(direction) {
      return peer.adoptTransport(
        direction,
        await client.request('transport:create', { direction }),
      );
    },
    adoptTransport(direction, o) {
      const transport =
        direction === 'send'
          ? device.createSendTransport(toClientOptions(o))
          : device.createRecvTransport(toClientOptions(o));
      transport.on('connect', ({ dtlsParameters }, ok, fail) => {
        client
          .request('transport:connect', {
            transportId: transport.id,
            dtlsParameters: dtlsParameters as never,
          })
          .then(() => ok(), fail);
      });
      transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
        client
          .request('producer:create', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as never,
            source: appData['source'] as MediaSource,
          })
          .then(({ producerId }) => ok({ id: producerId }), fail);
      });
      return transport;
    },
    async produce(transport, source) {
      const track = new FakeMediaStreamTrack({ kind: source === 'microphone' ? 'audio' : 'video' });
      return transport.produce({
        track: track as unknown as NonNullable<Parameters<Transport['produce']>[0]>['track'],
        appData: { source },
        ...(source === 'camera'
          ? {
              encodings: [
                { maxBitrate: 100_000 },
                { maxBitrate: 300_000 },
                { maxBitrate: 900_000 },
              ],
            }
          : {}),
      });
    },
    async consume(transport, producerId, made) {
      const options =
        made ??
        (await client.request('consumer:create', {
          transportId: transport.id,
          producerId,
        }));
      const consumer = await transport.consume({
        id: options.consumerId,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as Parameters<
          Transport['consume']
        >[0]['rtpParameters'],
      });
      return { consumer, options };
    },
  };
  return peer;
}
