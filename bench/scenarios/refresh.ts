// The refresh scenario (RFC 6749 §6, OIDC Core §12): each operation redeems the current refresh
// token, requires a rotated one and a valid RS256 ID token, and keeps the new token.
import { loginFresh, tokenRequest, verifyIdToken } from '../client/oidc-client.js';
import { benchScope } from '../targets/target.js';
import { loop, type Scenario } from './scenario.js';

export const refresh: Scenario = {
  name: 'refresh',
  operation: 'refresh_token grant with rotation; new refresh token and ID token verified',
  variant: 'argon2',
  ceiling: 'rs256',
  writes: true,
  async prepare({ rp, target }) {
    const client = target.firstParty;
    return loop({
      newUser: async () => {
        // offline_access is only granted with prompt=consent (OIDC Core §11).
        const { tokens } = await loginFresh(rp, client, { scope: benchScope, prompt: 'consent' });
        if (!tokens.refresh_token) throw new Error('no refresh token for offline_access');
        return { refreshToken: tokens.refresh_token };
      },
      operation: async (state: { refreshToken: string }) => {
        const tokens = await tokenRequest(rp, client, { grant_type: 'refresh_token', refresh_token: state.refreshToken });
        if (!tokens.refresh_token || tokens.refresh_token === state.refreshToken) throw new Error('refresh token was not rotated');
        if (!tokens.id_token) throw new Error('refresh without id_token');
        await verifyIdToken(rp, client, tokens.id_token);
        state.refreshToken = tokens.refresh_token;
      },
    });
  },
};
