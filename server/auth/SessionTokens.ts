/** Session tokens: the Socket.IO credential naming case, session, person and role. */
import {
  SESSION_TOKEN_AUDIENCE,
  sessionClaimsSchema,
  type SessionClaims,
} from '../../signaling/index.js';
import { SignedTokens, type Verified } from './SignedTokens.js';

export { TokenRefusedError } from './SignedTokens.js';

export type VerifiedSessionToken = Verified<SessionClaims>;

export class SessionTokens extends SignedTokens<typeof sessionClaimsSchema> {
  constructor(secret: string) {
    super(secret, SESSION_TOKEN_AUDIENCE, sessionClaimsSchema, 7 * 24 * 3600);
  }
}
