/**
 * The claims of a session token: who is asking, for which case and session,
 * in which role. Issued by the server, verified in the Socket.IO handshake.
 */
import { z } from 'zod';
import { SESSION_ROLES } from './roles.js';

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
});

export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
