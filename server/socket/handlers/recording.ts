/**
 * Requests of the session recorder: starting and stopping a recording, and
 * each participant's consent (acknowledge, withdraw, decline).
 */
import { fail } from '../../errors.js';
import { clientInfo, whenJoined, type GatewayTools } from '../context.js';
import type { RecordingDesk } from '../desks.js';

export function recordingHandlers(tools: GatewayTools) {
  const recorder = (): RecordingDesk => {
    if (!tools.desks.recording) throw fail('FEATURE_UNAVAILABLE', { feature: 'Recording' });
    return tools.desks.recording;
  };
  return whenJoined(tools, {
    'recording:start': async ({ session, participant }, _r, ctx) => ({
      recording: await recorder().start(session, participant, clientInfo(ctx.socket)),
    }),
    'recording:stop': async ({ session, participant }) => {
      await recorder().stop(session, participant);
      return {};
    },
    'recording:acknowledge': async ({ session, participant }, r, ctx) => {
      const recording = await recorder().acknowledge(
        session,
        participant,
        r.recordingId,
        clientInfo(ctx.socket),
      );
      return { recording };
    },
    'recording:withdraw': async ({ session, participant }, r) => ({
      recording: await recorder().withdraw(session, participant, r.recordingId),
    }),
    'recording:decline': async ({ session, participant }, r, ctx) => {
      await recorder().decline(session, participant, r.recordingId, clientInfo(ctx.socket));
      return {};
    },
  });
}
