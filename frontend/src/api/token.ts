/**
 * Where the bearer access token lives. Sign-in (not built yet) calls `setAccessToken`;
 * sign-out and a refused token call `clearAccessToken`. The token is kept in memory only,
 * so it is gone after a reload; the sign-in work decides how a session is restored.
 */

type Listener = (token: string | null) => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  const next = token === '' ? null : token;
  if (next === accessToken) return;
  accessToken = next;
  for (const listener of listeners) listener(accessToken);
}

export function clearAccessToken(): void {
  setAccessToken(null);
}

/** Be told when the token changes (e.g. to re-render who is signed in). Returns an unsubscribe. */
export function subscribeAccessToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
