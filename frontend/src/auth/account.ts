/** Account calls that change the session or need more than one step. */
import { api, unwrap } from '../api/client';
import type { ChangePasswordBody, TokenPair } from '../api/types';
import { session } from './session';

/** Change the password; the old tokens stop working, so the returned pair replaces them. */
export async function changePassword(body: ChangePasswordBody): Promise<TokenPair> {
  const pair = await unwrap(api.POST('/api/v1/me/password', { body }));
  session.apply(pair);
  return pair;
}
