/**
 * The claims of a session token: who is asking, for which case and session,
 * in which role. Issued by the server, verified in the Socket.IO handshake.
 */
import { z } from 'zod';
import { PROCEDURAL_SIDES, SESSION_ROLES } from './roles.js';

export const TOKEN_ISSUER = 'mediation-conference';
export const SESSION_TOKEN_AUDIENCE = 'mediation-session';

export const sessionClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  caseId: z.string().min(1).max(64),
  sessionId: z.string().min(1).max(64),
  role: z.enum(SESSION_ROLES),
  name: z.string().min(1).max(100),
  /** The invitation this session token was exchanged for, so revoking it ends access. */
  inv: z.string().min(1).max(64).optional(),
  /**
   * The holder's procedural side (a party's own, an agent's party's), so
   * tiles can say 申请人 / 被申请人 rather than only 当事人. Absent for the
   * mediator, observers and tokens issued before it existed.
   */
  side: z.enum(PROCEDURAL_SIDES).optional(),
});

export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
