/**
 * The camera's simulcast layers follow the captured size so that Chromium
 * sends every layer configured (it caps the layer count by input pixels),
 * and a receiver's 高/中/低 lands on a layer the sender really has.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cameraEncodings,
  layerBitrate,
  simulcastLayerCount,
  spatialLayerFor,
  spatialLayersOf,
} from '../../client/src/call/encodings.js';

/** libwebrtc's simulcast format table (simulcast.cc): minimum pixels → maximum layers. */
const CHROMIUM_LIMITS: [number, number, number][] = [
  [1920, 1080, 3],
  [1280, 720, 3],
  [960, 540, 3],
  [640, 360, 2],
  [480, 270, 2],
  [320, 180, 1],
  [0, 0, 1],
];

/** The number of layers Chromium encodes for an input, as its FindSimulcastFormatIndex does. */
function chromiumMaxLayers(width: number, height: number): number {
  for (const [w, h, layers] of CHROMIUM_LIMITS) if (width * height >= w * h) return layers;
  return 1;
}

describe('camera simulcast encodings', () => {
  it('sends three layers ÷4/÷2/÷1 from a 1280×720 camera, with bitrates for 720p', () => {
    expect(cameraEncodings(1280, 720)).toEqual([
      { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
      { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
      { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
    ]);
  });

  it('sends two layers from a 640×480 camera (the case that sent 0 bytes on its top layer)', () => {
    expect(cameraEncodings(640, 480).map((e) => e.scaleResolutionDownBy)).toEqual([2, 1]);
    expect(cameraEncodings(640, 480).map((e) => e.maxBitrate)).toEqual([150_000, 500_000]);
  });

  it('sends one full-size layer from a small camera', () => {
    expect(cameraEncodings(320, 240)).toEqual([
      { rid: 'r0', scaleResolutionDownBy: 1, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
    ]);
  });

  it('counts layers by pixels, so a portrait phone gets as many as a landscape one', () => {
    expect(simulcastLayerCount(720, 1280)).toBe(3);
    expect(simulcastLayerCount(480, 640)).toBe(2);
    expect(simulcastLayerCount(0, 0)).toBe(1);
  });

  it('configures exactly the layers Chromium sends for any captured size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3840 }), fc.integer({ min: 1, max: 2160 }), (w, h) => {
        const encodings = cameraEncodings(w, h);
        // Every configured layer is one the encoder really produces, and none is missing.
        expect(encodings).toHaveLength(chromiumMaxLayers(w, h));
        // Lowest first, each half the next, the top one at full size.
        encodings.forEach((e, i) => {
          expect(e.rid).toBe(`r${i}`);
          expect(e.scaleResolutionDownBy).toBe(2 ** (encodings.length - 1 - i));
        });
        const rates = encodings.map((e) => e.maxBitrate);
        expect([...rates].sort((a, b) => a - b)).toEqual(rates);
      }),
      { seed: 16_001, numRuns: 500 },
    );
  });

  it('gives larger layers more bits', () => {
    expect(layerBitrate(1920, 1080)).toBe(1_500_000);
    expect(layerBitrate(960, 540)).toBe(1_000_000);
    expect(layerBitrate(480, 270)).toBe(300_000);
    expect(layerBitrate(160, 120)).toBe(150_000);
  });
});

describe('quality levels onto the layers a sender has', () => {
  it('maps 高 to the top, 中 to the half-size layer and 低 to the lowest', () => {
    expect([3, 2, 1].map((n) => spatialLayerFor('high', n))).toEqual([2, 1, 0]);
    expect([3, 2, 1].map((n) => spatialLayerFor('medium', n))).toEqual([1, 0, 0]);
    expect([3, 2, 1].map((n) => spatialLayerFor('low', n))).toEqual([0, 0, 0]);
  });

  it('reads the layer count from the consumer’s scalability mode', () => {
    expect(spatialLayersOf('L3T3')).toBe(3);
    expect(spatialLayersOf('L2T3')).toBe(2);
    expect(spatialLayersOf('L1T3')).toBe(1);
    expect(spatialLayersOf('S3T3')).toBe(3);
    expect(spatialLayersOf(undefined)).toBe(1);
    expect(spatialLayersOf('bogus')).toBe(1);
  });
});
