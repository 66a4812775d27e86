/**
 * Starts the browser's WebRTC machinery while the page still loads its media
 * client and connects. The first RTCPeerConnection of a page pays for setting
 * that machinery up and listing the codecs. The offer made here is the one
 * mediasoup-client's Chromium handler makes to learn the browser's codecs
 * (one audio and one video transceiver, the same configuration), so the
 * device load takes its capabilities from it instead of making another
 * connection on the join's critical path (`call/device.ts`).
 */
let offer: Promise<string | undefined> | undefined;

export function warmUpWebRtc(): void {
  offer ??= makeOffer();
}

/**
 * The warm-up's offer SDP (undefined if the browser made none): the offer
 * made at the start, or made now if the page has not warmed up yet.
 */
export function warmOffer(): Promise<string | undefined> {
  return (offer ??= makeOffer());
}

async function makeOffer(): Promise<string | undefined> {
  if (typeof RTCPeerConnection === 'undefined') return undefined;
  let pc: RTCPeerConnection | undefined;
  try {
    pc = new RTCPeerConnection({
      iceServers: [],
      iceTransportPolicy: 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    pc.addTransceiver('audio');
    pc.addTransceiver('video');
    const { sdp } = await pc.createOffer();
    return sdp;
  } catch {
    // A browser without WebRTC is told so by the join itself.
    return undefined;
  } finally {
    pc?.close();
  }
}
