/* global window, document, location, fetch, navigator, MediaStream, URLSearchParams, setTimeout */
// bench:reconnect baseline: a bare mediasoup-client page, no app. It publishes
// its microphone and camera, consumes the peer's camera, and when a transport's ICE connection drops
// it asks the bench for an ICE restart (over HTTP, through the same link)
// until the link answers, as mediasoup's own demo does. `window.__bare` tells
// the bench when remote frames are presented.
import { Device } from 'mediasoup-client';

const query = new URLSearchParams(location.search);
const me = query.get('me');
const peer = query.get('peer');
const state = { ready: false, frames: [], error: null };
window.__bare = state;

async function rpc(method, args = {}) {
  const response = await fetch('/rpc', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method, args }),
  });
  if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`);
  return response.json();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function restart(transport) {
  if (transport.restarting) return;
  transport.restarting = true;
  try {
    // Retries while the link is down; stops once ICE came back by itself.
    while (!transport.closed && transport.connectionState !== 'connected') {
      try {
        const { iceParameters } = await rpc('restartIce', { id: transport.id });
        await transport.restartIce({ iceParameters });
        return;
      } catch {
        await sleep(250);
      }
    }
  } finally {
    transport.restarting = false;
  }
}

async function main() {
  const device = new Device();
  await device.load({ routerRtpCapabilities: await rpc('capabilities') });
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } },
  });
  const make = async (direction) => {
    const options = await rpc('createTransport', { me, direction });
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      rpc('connect', { id: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      rpc('produce', { me, id: transport.id, kind, rtpParameters }).then(callback, errback);
    });
    transport.on('connectionstatechange', (connectionState) => {
      if (connectionState === 'disconnected' || connectionState === 'failed')
        void restart(transport);
    });
    return transport;
  };
  const send = await make('send');
  // Audio first, as the app publishes (microphone, then camera).
  await send.produce({ track: stream.getAudioTracks()[0] });
  await send.produce({
    track: stream.getVideoTracks()[0],
    encodings: [
      { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 120_000, scalabilityMode: 'L1T3' },
      { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 350_000, scalabilityMode: 'L1T3' },
      { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000, scalabilityMode: 'L1T3' },
    ],
  });
  const recv = await make('recv');
  let options;
  while (
    !(options = await rpc('consume', {
      me,
      peer,
      id: recv.id,
      rtpCapabilities: device.rtpCapabilities,
    })).id
  )
    await sleep(200);
  const consumer = await recv.consume(options);
  await rpc('resume', { id: consumer.id });
  const video = document.getElementById('remote');
  video.srcObject = new MediaStream([consumer.track]);
  const onFrame = () => {
    state.frames.push(Date.now());
    if (state.frames.length > 2000) state.frames.splice(0, 1000);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  state.ready = true;
}

main().catch((error) => {
  state.error = String(error && error.stack ? error.stack : error);
});
