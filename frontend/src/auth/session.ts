/**
 * The signed-in session: the access token in memory (`src/api/token.ts`), the refresh token in
 * sessionStorage (this tab only; it survives a reload but not closing the tab), a timer that
 * renews the pair shortly before the access token expires, and at most one refresh in flight.
 *
 * React reads it through `useSession()` (src/auth/hooks.ts); `sessionFetch` uses it to renew
 * and retry; pages call `signIn`, `signOut`, and `apply` for the pair a password change returns.
 */
import type { QueryClient } from '@tanstack/react-query';
import { createApiClient, unwrap } from '../api/core';
import { isApiError } from '../api/error';
import { clearAccessToken, getAccessToken, setAccessToken } from '../api/token';
import type { SignInBody, TokenPair } from '../api/types';

/** `restoring`: a refresh token was found after a reload and is being exchanged. */
export type SessionStatus = 'restoring' | 'signed_in' | 'signed_out';

/**
 * Why the session ended: the user signed out, the server would not renew it (`expired`), or
 * a stored session could not be restored because the server was not reached (`unreachable`).
 */
export type SignedOutReason = 'signed_out' | 'expired' | 'unreachable';

export interface SessionState {
  status: SessionStatus;
  reason: SignedOutReason | null;
  /** From the last token pair, or a `password_change_required` refusal. */
  mustChangePassword: boolean;
  /** From the last token pair. */
  needsBackupEmail: boolean;
}

export const REFRESH_TOKEN_KEY = 'licheng.refresh_token';

/** Renew this long before the access token expires (at most half its lifetime). */
const RENEW_BEFORE_MS = 60_000;
/** A token this close to expiry is renewed before a request is sent with it. */
const STALE_MARGIN_MS = 10_000;
/** After a failed background renewal (server not reached), try again after this long. */
const RETRY_AFTER_MS = 30_000;

function readStoredRefreshToken(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(REFRESH_TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

function writeStoredRefreshToken(token: string | null): void {
  try {
    if (token) globalThis.sessionStorage?.setItem(REFRESH_TOKEN_KEY, token);
    else globalThis.sessionStorage?.removeItem(REFRESH_TOKEN_KEY);
  } catch {
    // Storage disabled (private mode): the session lasts until the page is reloaded.
  }
}

/**
 * The session's own calls (sign-in, refresh, sign-out) send no access token: an expired one
 * must not get in their way, and the refresh token is what identifies the session.
 */
const sessionClient = createApiClient({}, { withToken: false });

function initialState(): SessionState {
  return {
    status: readStoredRefreshToken() ? 'restoring' : 'signed_out',
    reason: null,
    mustChangePassword: false,
    needsBackupEmail: false,
  };
}

type Listener = (state: SessionState, previous: SessionState) => void;

export class Session {
  private state: SessionState = initialState();
  /** Kept in memory too, so the session still renews when storage is disabled. */
  private storedRefreshToken: string | null = readStoredRefreshToken();
  private readonly listeners = new Set<Listener>();
  /** Epoch ms when the access token expires (0: no token). */
  private expiresAt = 0;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<boolean> | null = null;
  /** Bumped whenever the session ends, so a refresh answered afterwards is ignored. */
  private generation = 0;

  getState = (): SessionState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private setState(patch: Partial<SessionState>): void {
    const previous = this.state;
    const next = { ...previous, ...patch };
    if (
      next.status === previous.status &&
      next.reason === previous.reason &&
      next.mustChangePassword === previous.mustChangePassword &&
      next.needsBackupEmail === previous.needsBackupEmail
    ) {
      return;
    }
    this.state = next;
    for (const listener of this.listeners) listener(next, previous);
  }

  get refreshToken(): string | null {
    return this.storedRefreshToken;
  }

  private setRefreshToken(token: string | null): void {
    this.storedRefreshToken = token || null;
    writeStoredRefreshToken(this.storedRefreshToken);
  }

  /** Whether the access token is missing, expired or about to expire. */
  accessTokenStale(now = Date.now()): boolean {
    return getAccessToken() === null || now >= this.expiresAt - STALE_MARGIN_MS;
  }

  /** Take a token pair from sign-in, refresh or a password change. */
  apply(pair: TokenPair): void {
    setAccessToken(pair.access_token);
    this.setRefreshToken(pair.refresh_token);
    const lifetimeMs = Math.max(0, pair.expires_in * 1000);
    this.expiresAt = Date.now() + lifetimeMs;
    this.schedule(Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2));
    this.setState({
      status: 'signed_in',
      reason: null,
      mustChangePassword: pair.must_change_password,
      needsBackupEmail: pair.needs_backup_email,
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => {
      void this.refresh();
    }, delayMs);
  }

  /** Sign in; throws an ApiError (invalid_credentials, captcha_invalid, …) on refusal. */
  async signIn(body: SignInBody): Promise<TokenPair> {
    const pair = await unwrap(sessionClient.POST('/api/v1/auth/sign-in', { body }));
    this.apply(pair);
    return pair;
  }

  /**
   * Exchange the refresh token for a new pair. Concurrent callers share one request.
   * Resolves true when there is a fresh access token; false when there is none (the session
   * has then ended, unless the server was merely unreachable).
   */
  refresh(): Promise<boolean> {
    this.inflight ??= this.runRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async runRefresh(): Promise<boolean> {
    const refreshToken = this.storedRefreshToken;
    if (!refreshToken) {
      this.end('expired');
      return false;
    }
    const generation = this.generation;
    try {
      const pair = await unwrap(
        sessionClient.POST('/api/v1/auth/refresh', { body: { refresh_token: refreshToken } }),
      );
      if (generation !== this.generation) return false;
      this.apply(pair);
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      const transient = isApiError(error) && (error.isNetworkError || error.status >= 500);
      if (!transient) {
        // refresh_token_invalid, refresh_token_reused, account_locked…: sign in again.
        this.end('expired');
        return false;
      }
      if (this.state.status === 'restoring') {
        // Keep the stored token: a reload (or the retry button on /login) tries again.
        this.dropAccess();
        this.setState({ status: 'signed_out', reason: 'unreachable' });
      } else {
        this.schedule(RETRY_AFTER_MS);
      }
      return false;
    }
  }

  /**
   * After a reload: exchange the stored refresh token. Returns whether signed in. Safe to call
   * many times; does nothing when there is no stored token or a session already exists.
   */
  async restore(): Promise<boolean> {
    if (this.state.status === 'signed_in') return true;
    if (!this.storedRefreshToken) {
      if (this.state.status === 'restoring') this.setState({ status: 'signed_out' });
      return false;
    }
    this.setState({ status: 'restoring', reason: null });
    return this.refresh();
  }

  /** A request was refused with `password_change_required`. */
  markPasswordChangeRequired(): void {
    if (this.state.status === 'signed_in') this.setState({ mustChangePassword: true });
  }

  /** The user asked to sign out: end the server's session (best effort) and forget everything. */
  async signOut(): Promise<void> {
    const refreshToken = this.storedRefreshToken;
    this.end('signed_out');
    if (!refreshToken) return;
    try {
      // The refresh token alone names the session; no access token is needed (it may have expired).
      await sessionClient.POST('/api/v1/auth/sign-out', { body: { refresh_token: refreshToken } });
    } catch {
      // Offline: the tokens are gone from this tab; the server lets them expire.
    }
  }

  /** End the session locally. */
  end(reason: SignedOutReason): void {
    this.generation += 1;
    this.dropAccess();
    this.setRefreshToken(null);
    this.setState({ status: 'signed_out', reason, mustChangePassword: false, needsBackupEmail: false });
  }

  private dropAccess(): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    this.expiresAt = 0;
    clearAccessToken();
  }

  /**
   * Tests: forget the tokens and timers and start as after a fresh page load (reading
   * sessionStorage again). Listeners stay.
   */
  resetForTests(): void {
    this.generation += 1;
    this.inflight = null;
    this.dropAccess();
    this.storedRefreshToken = readStoredRefreshToken();
    this.state = initialState();
  }
}

/** The app's one session. */
export const session = new Session();

/**
 * Drop cached server data whenever the session ends, so the next user of this tab never sees
 * the previous user's data. Returns an unsubscribe.
 */
export function clearQueriesOnSignOut(queryClient: QueryClient, target: Session = session): () => void {
  return target.subscribe((state, previous) => {
    if (state.status === 'signed_out' && previous.status !== 'signed_out') queryClient.clear();
  });
}
