/**
 * Requests of the session itself: the router's capabilities, joining (with
 * the credential checked again), leaving and the list of participants.
 */
import { can } from '../../../signaling/index.js';
import { fail } from '../../errors.js';
import { channelOf, whenJoined, type GatewayTools, type Handlers } from '../context.js';

export function sessionHandlers(tools: GatewayTools) {
  return {
    'media:capabilities': async (ctx) => {
      const session = await tools.sessionFor(ctx);
      return { rtpCapabilities: await session.rtpCapabilities() };
    },
    'session:join': async (ctx, request) => {
      if (!can(ctx.claims.role, 'session.join')) throw fail('ROLE_MAY_NOT_JOIN');
      if (ctx.participant && !ctx.participant.closed) throw fail('ALREADY_JOINED');
      // Checked again at every join: the week-long token may have outlived what it names.
      await tools.honoured(ctx);
      const identity = {
        participantId: ctx.claims.sub,
        displayName: ctx.claims.name,
        role: ctx.claims.role,
        ...(ctx.claims.side ? { side: ctx.claims.side } : {}),
      };
      const channel = channelOf(ctx.socket);
      // A session that emptied and closed between lookup and join is reopened once.
      for (let attempt = 0; ; attempt++) {
        const session = await tools.sessionFor(ctx);
        try {
          const result = await session.join(identity, request.rtpCapabilities, channel, {
            receive: request.receive === true,
          });
          ctx.session = session;
          ctx.participant = session.participant(identity.participantId);
          tools.setInCall(ctx.socket, true);
          return result;
        } catch (error) {
          if (attempt === 0 && session.closed) continue;
          throw error;
        }
      }
    },
    ...whenJoined(tools, {
      'session:leave': async ({ session, participant }, _r, ctx) => {
        session.leave(participant.id);
        ctx.session = undefined;
        ctx.participant = undefined;
        tools.setInCall(ctx.socket, false);
        return {};
      },
      'session:participants': async ({ session }) => ({
        participants: session.participants().map((p) => p.info()),
      }),
    }),
  } satisfies Partial<Handlers>;
}
