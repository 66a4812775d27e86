/**
 * The mediasoup-client device of the call page. In Chromium its browser
 * capabilities come from the offer the page made at its start
 * (`warmUp.ts`), parsed exactly as mediasoup-client's Chrome111 handler
 * parses its own: loading the device then costs no RTCPeerConnection while
 * the person waits for the call. Anywhere else, or without that offer, the
 * handler learns them itself.
 */
import { Device } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/lib/handlers/Chrome111';
import { addNackSuppportForOpus } from 'mediasoup-client/lib/handlers/ortc/utils';
import { extractRtpCapabilities } from 'mediasoup-client/lib/handlers/sdp/commonUtils';
import { parse } from 'sdp-transform';
import type { RtpCapabilities } from '../../../signaling/index.js';
import { warmOffer } from './warmUp.js';

/**
 * The Chromium engine's major version from the browser's client hints, if
 * it has them (every Chromium-based browser: Chrome, Edge, Opera, Samsung
 * Internet, WeChat's XWeb; none on iOS, where every browser is WebKit).
 * mediasoup-client's own detection parses the user agent with ua-parser-js,
 * whose first run compiles a few hundred expressions: 60-70 ms of the call
 * page's main thread on the way to the call (bench:join's profile).
 */
export function chromiumMajor(nav: Navigator = navigator): number | undefined {
  const data = (nav as Navigator & { userAgentData?: { brands?: UserAgentBrand[] } }).userAgentData;
  const brand = data?.brands?.find((b) => b.brand === 'Chromium');
  const major = brand ? Number.parseInt(brand.version, 10) : Number.NaN;
  return Number.isFinite(major) ? major : undefined;
}

interface UserAgentBrand {
  brand: string;
  version: string;
}

export function newDevice(): Device {
  // Chromium ≥ 111 is what mediasoup-client's detection would call Chrome111; anything
  // else is left to that detection.
  if ((chromiumMajor() ?? 0) < 111) return new Device();
  const offer = warmOffer();
  const chrome = Chrome111.createFactory();
  return new Device({
    handlerFactory: () => {
      const handler = chrome();
      const own = handler.getNativeRtpCapabilities.bind(handler);
      handler.getNativeRtpCapabilities = async () => {
        const sdp = await offer;
        if (!sdp) return own();
        const capabilities = extractRtpCapabilities({ sdpObject: parse(sdp) });
        // As the handler does: libwebrtc supports NACK for Opus without announcing it.
        addNackSuppportForOpus(capabilities);
        return capabilities;
      };
      return handler;
    },
  });
}

/**
 * The device loaded with the routers' capabilities: made once (ahead of the
 * join, as a rule: `CallClient.prepare`), made again after a failure. The
 * capabilities are those the page fetched over HTTP, if it did; else `ask`
 * fetches them on the socket.
 */
export class RouterDevice {
  readonly #fetched: Promise<{ rtpCapabilities: RtpCapabilities }> | undefined;
  readonly #ask: () => Promise<RtpCapabilities>;
  #device: Device | undefined;
  #ready: Promise<Device> | undefined;

  constructor(
    fetched: Promise<{ rtpCapabilities: RtpCapabilities }> | undefined,
    ask: () => Promise<RtpCapabilities>,
  ) {
    this.#fetched = fetched;
    this.#ask = ask;
  }

  /** The device once loaded. */
  get current(): Device | undefined {
    return this.#device;
  }

  /** The loaded device, fetching the capabilities first if need be. */
  ready(): Promise<Device> {
    if (this.#device?.loaded) return Promise.resolve(this.#device);
    this.#ready ??= (async () => {
      // Fetched over HTTP while the socket connects; asked on the socket if that failed.
      let rtpCapabilities = (await this.#fetched?.catch(() => undefined))?.rtpCapabilities;
      rtpCapabilities ??= await this.#ask();
      performance.mark('mediation: capabilities received');
      const device = await this.#load(rtpCapabilities);
      performance.mark('mediation: device loaded');
      return device;
    })();
    const ready = this.#ready;
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    return ready;
  }

  async #load(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
    if (this.#device?.loaded) return this.#device;
    const device = newDevice();
    await device.load({
      routerRtpCapabilities: routerRtpCapabilities as Parameters<
        Device['load']
      >[0]['routerRtpCapabilities'],
    });
    this.#device = device;
    return device;
  }
}
