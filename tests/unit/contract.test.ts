import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  REQUEST_NAMES,
  requestSchemas,
  type ClientToServerEvents,
  type RequestOf,
  type ResponseOf,
} from '../../signaling/index.js';

/** RTP parameters as Chromium's mediasoup-client sends them for simulcast VP8. */
const chromeVideo = {
  mid: '1',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [
        { type: 'goog-remb', parameter: '' },
        { type: 'nack', parameter: 'pli' },
      ],
    },
    {
      mimeType: 'video/rtx',
      payloadType: 97,
      clockRate: 90000,
      parameters: { apt: 96 },
      rtcpFeedback: [],
    },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
  ],
  encodings: [
    {
      rid: 'r0',
      active: true,
      scalabilityMode: 'L1T3',
      scaleResolutionDownBy: 4,
      maxBitrate: 120000,
      dtx: false,
    },
    {
      rid: 'r1',
      active: true,
      scalabilityMode: 'L1T3',
      scaleResolutionDownBy: 2,
      maxBitrate: 350000,
      dtx: false,
    },
  ],
  rtcp: { cname: 'abc', reducedSize: true },
};

describe('signaling contract', () => {
  it('has a schema for every request name and nothing else', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...REQUEST_NAMES].sort());
  });

  it('accepts what a real browser sends', () => {
    const parsed = requestSchemas['producer:create'].parse({
      transportId: 't1',
      kind: 'video',
      source: 'camera',
      rtpParameters: chromeVideo,
    });
    expect(parsed.rtpParameters.encodings?.[0]).toMatchObject({ rid: 'r0', active: true });
  });

  it('refuses extra top-level keys, wrong kinds and unknown sources', () => {
    const base = { transportId: 't1', kind: 'video', source: 'camera', rtpParameters: chromeVideo };
    expect(requestSchemas['producer:create'].safeParse({ ...base, admin: true }).success).toBe(
      false,
    );
    expect(requestSchemas['producer:create'].safeParse({ ...base, kind: 'data' }).success).toBe(
      false,
    );
    expect(
      requestSchemas['producer:create'].safeParse({ ...base, source: 'desktop-audio' }).success,
    ).toBe(false);
  });

  it('refuses unknown or nested fields anywhere inside media parameters', () => {
    const produce = (rtpParameters: object) =>
      requestSchemas['producer:create'].safeParse({
        transportId: 't1',
        kind: 'video',
        source: 'camera',
        rtpParameters,
      }).success;
    const deep = { a: { a: { a: {} } } };
    const [vp8, rtx] = chromeVideo.codecs;
    expect(produce(chromeVideo)).toBe(true);
    // Chromium's simulcast offer has no a=ssrc lines: an empty CNAME.
    expect(produce({ ...chromeVideo, rtcp: { cname: '', reducedSize: true } })).toBe(true);
    expect(produce({ ...chromeVideo, appData: deep })).toBe(false);
    expect(produce({ ...chromeVideo, rtcp: { cname: 'abc', x: deep } })).toBe(false);
    expect(produce({ ...chromeVideo, codecs: [{ ...vp8, parameters: { apt: deep } }, rtx] })).toBe(
      false,
    );
    expect(produce({ ...chromeVideo, encodings: [{ rid: 'r0', rtx: { ssrc: 1, x: 1 } }] })).toBe(
      false,
    );
    expect(produce({ ...chromeVideo, encodings: [{ rid: 'r0', priority: 'urgent' }] })).toBe(false);
    const fingerprint = { algorithm: 'sha-256', value: Array(32).fill('AB').join(':') };
    const connect = (dtlsParameters: object) =>
      requestSchemas['transport:connect'].safeParse({ transportId: 't', dtlsParameters }).success;
    expect(connect({ role: 'client', fingerprints: [fingerprint] })).toBe(true);
    expect(connect({ role: 'client', fingerprints: [fingerprint], extra: deep })).toBe(false);
    expect(connect({ role: 'client', fingerprints: [{ ...fingerprint, x: 1 }] })).toBe(false);
    expect(connect({ role: 'controlling', fingerprints: [fingerprint] })).toBe(false);
    expect(connect({ fingerprints: [{ ...fingerprint, value: 'not hex' }] })).toBe(false);
    expect(
      requestSchemas['session:join'].safeParse({ rtpCapabilities: { codecs: [], sctp: deep } })
        .success,
    ).toBe(false);
  });

  it('bounds sizes: codec lists, ids, fingerprints', () => {
    const many = {
      ...chromeVideo,
      codecs: Array.from({ length: 17 }, () => chromeVideo.codecs[0]),
    };
    expect(
      requestSchemas['producer:create'].safeParse({
        transportId: 't',
        kind: 'video',
        source: 'camera',
        rtpParameters: many,
      }).success,
    ).toBe(false);
    expect(
      requestSchemas['transport:restartIce'].safeParse({ transportId: 'x'.repeat(65) }).success,
    ).toBe(false);
    expect(
      requestSchemas['transport:connect'].safeParse({
        transportId: 't',
        dtlsParameters: { fingerprints: [{ algorithm: 'md5', value: 'AA' }] },
      }).success,
    ).toBe(false);
  });

  it('types each event with its request and acknowledgement', () => {
    expectTypeOf<RequestOf<'transport:create'>>().toEqualTypeOf<{ direction: 'send' | 'recv' }>();
    expectTypeOf<ResponseOf<'producer:create'>>().toEqualTypeOf<{ producerId: string }>();
    expectTypeOf<Parameters<ClientToServerEvents['consumer:resume']>[0]>().toEqualTypeOf<{
      consumerId: string;
    }>();
  });
});
