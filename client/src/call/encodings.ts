/**
 * What the camera and the screen are sent as. Kept free of DOM types so the
 * rules can be unit-tested in Node.
 *
 * Chromium's encoder caps the number of simulcast layers by the input's
 * pixel count (libwebrtc's simulcast format table: 3 layers from 960×540,
 * 2 from 480×270, 1 below) and silently drops the top layers it will not
 * encode. A fixed set of three layers on a 640×480 capture therefore sent
 * its top layer as 0 bytes and every receiver got 320×240. The layers are
 * derived from the captured track's real size instead, so that every layer
 * configured is one the browser actually sends.
 */

/** One simulcast encoding as mediasoup-client's `produce()` takes it. */
export interface VideoEncoding {
  rid: string;
  scaleResolutionDownBy: number;
  maxBitrate: number;
  scalabilityMode: string;
}

/** libwebrtc's pixel counts from which it encodes three or two simulcast layers. */
const THREE_LAYERS_FROM = 960 * 540;
const TWO_LAYERS_FROM = 480 * 270;

/** How many simulcast layers Chromium sends for an input of this size. */
export function simulcastLayerCount(width: number, height: number): 1 | 2 | 3 {
  const pixels = Math.max(0, width) * Math.max(0, height);
  if (pixels >= THREE_LAYERS_FROM) return 3;
  if (pixels >= TWO_LAYERS_FROM) return 2;
  return 1;
}

/**
 * Bits per second that one layer of this size needs for a sharp picture of a
 * person (or an ID card held to the camera) at up to 24 frames per second;
 * close to libwebrtc's own per-size maximum, below it for the largest sizes.
 */
export function layerBitrate(width: number, height: number): number {
  const pixels = width * height;
  if (pixels >= 1280 * 720) return 1_500_000;
  if (pixels >= 960 * 540) return 1_000_000;
  if (pixels >= 640 * 360) return 500_000;
  if (pixels >= 480 * 270) return 300_000;
  return 150_000;
}

/**
 * The camera's simulcast encodings for a track of this size: lowest layer
 * first, each half the size of the next, the top one at full size. Three
 * layers (÷4, ÷2, ÷1) from 960×540, two (÷2, ÷1) from 480×270, else one.
 */
export function cameraEncodings(width: number, height: number): VideoEncoding[] {
  const count = simulcastLayerCount(width, height);
  const encodings: VideoEncoding[] = [];
  for (let i = 0; i < count; i++) {
    const scale = 2 ** (count - 1 - i);
    encodings.push({
      rid: `r${i}`,
      scaleResolutionDownBy: scale,
      maxBitrate: layerBitrate(Math.round(width / scale), Math.round(height / scale)),
      scalabilityMode: 'L1T3',
    });
  }
  return encodings;
}

/** What the camera is asked for: 720p where the device has it, 24 fps. */
export const CAMERA_CONSTRAINTS = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 24 },
} as const;

/**
 * Screen share: one layer at the source's full size (documents on screen
 * need sharpness more than frame rate), enough bits for text at 1080p, and
 * frames dropped rather than pixels when bandwidth is short.
 */
export const SCREEN_ENCODING = {
  scaleResolutionDownBy: 1,
  maxBitrate: 2_500_000,
  maxFramerate: 15,
} as const;

export const SCREEN_CONTENT_HINT = 'detail';
/**
 * Camera and screen alike: under CPU pressure the browser drops frames
 * rather than shrinking the picture (an ID card held to the camera must stay
 * readable); short bandwidth still switches receivers to a lower layer.
 */
export const KEEP_RESOLUTION = 'maintain-resolution';

/** A receiver's quality choice: 高, 中 or 低. */
export type QualityLevel = 'high' | 'medium' | 'low';

/**
 * The spatial layer that serves a quality level when the producer really has
 * `layers` simulcast layers (from the consumer's `L<n>T<m>` scalability
 * mode): 高 the top one, 低 the lowest, 中 the one at half the full size
 * (the lowest when there are only two, the only one when there is one).
 */
export function spatialLayerFor(level: QualityLevel, layers: number): number {
  const top = Math.max(0, Math.floor(layers) - 1);
  if (level === 'high') return top;
  if (level === 'low') return 0;
  return Math.max(0, top - 1);
}

/** The number of spatial layers in a scalability mode such as `L3T3` (1 when absent). */
export function spatialLayersOf(scalabilityMode: string | undefined): number {
  const match = /^[LS](\d+)T\d+/.exec(scalabilityMode ?? '');
  const n = match ? Number(match[1]) : 1;
  return n >= 1 ? n : 1;
}
