/**
 * The mediasoup-client device of the call page. In Chromium its browser
 * capabilities come from the offer the page made at its start
 * (`warmUp.ts`), parsed exactly as mediasoup-client's Chrome111 handler
 * parses its own: loading the device then costs no RTCPeerConnection while
 * the person waits for the call. Anywhere else, or without that offer, the
 * handler learns them itself.
 */
import { Device, detectDevice } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/lib/handlers/Chrome111';
import { addNackSuppportForOpus } from 'mediasoup-client/lib/handlers/ortc/utils';
import { extractRtpCapabilities } from 'mediasoup-client/lib/handlers/sdp/commonUtils';
import { parse } from 'sdp-transform';
import { warmOffer } from './warmUp.js';

export function newDevice(): Device {
  const offer = warmOffer();
  if (!offer || detectDevice() !== 'Chrome111') return new Device();
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
