import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { session } from '../auth/session';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  globalThis.sessionStorage?.clear();
  globalThis.localStorage?.clear();
  session.resetForTests();
});
