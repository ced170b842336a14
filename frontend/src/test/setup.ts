import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { session } from '../auth/session';
import { resetLangForTests } from '../i18n/lang';

// Whole pages render in these tests (layout, menu, antd tables): on a busy machine the first
// render alone can take over a second, so give `findBy…`/`waitFor` more than the default 1 s.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  globalThis.sessionStorage?.clear();
  globalThis.localStorage?.clear();
  session.resetForTests();
  // Back to the default language (storage was just cleared).
  resetLangForTests();
});
