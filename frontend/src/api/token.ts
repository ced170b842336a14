/**
 * Where the bearer access token lives: in memory only, never in storage. The session
 * (`src/auth/session.ts`) sets it from each token pair and clears it on sign-out; after a reload
 * the session gets a new one with the refresh token it kept in sessionStorage.
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
