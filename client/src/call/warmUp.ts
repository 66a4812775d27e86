/**
 * Starts the browser's WebRTC machinery while the page still loads its media
 * client and connects. The first RTCPeerConnection of a page pays for setting
 * that machinery up and listing the codecs, and mediasoup-client's device
 * load makes one to learn them, on the join's critical path; made here once,
 * early, that cost is paid while the page waits for the network anyway.
 */
export function warmUpWebRtc(): void {
  if (typeof RTCPeerConnection === 'undefined') return;
  try {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    void pc
      .createOffer()
      .catch(() => undefined)
      .finally(() => pc.close());
  } catch {
    // A browser without WebRTC is told so by the join itself.
  }
}
