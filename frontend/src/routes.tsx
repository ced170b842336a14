import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { appRoutes, lazyPage } from './appRoutes';
import { PageLoading, RequireAuth } from './auth/RequireAuth';
import { PublicLayout } from './layouts/PublicLayout';
import { LoginPage } from './pages/LoginPage';
import { RouteErrorPage } from './pages/RouteErrorPage';
import { loadAppLayout } from './signedInChunks';

/**
 * The signed-in frame, loaded when `RequireAuth` lets a user in (not through the route's `lazy`,
 * which the router would resolve before the guard runs: a signed-out visitor at `/` would then
 * download the whole frame only to be sent to /login).
 */
const AppLayout = lazy(async () => ({ default: (await loadAppLayout()).AppLayout }));

/**
 * The app's routes: the public account pages (sign-in, forgot/reset password) in a plain frame,
 * and everything else behind `RequireAuth` in the app layout (`appRoutes.tsx` lists those pages).
 * The backend serves index.html for every non-API path, so deep links work.
 * Only the sign-in page (and the error page) are in the first bundle; the rest is loaded on demand.
 */
export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    // Shown while a lazily loaded page (e.g. 帳號管理) is fetched on the first load.
    hydrateFallbackElement: <PageLoading />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { path: '/login', element: <LoginPage /> },
          { path: '/forgot-password', ...lazyPage(() => import('./pages/ForgotPasswordPage'), 'ForgotPasswordPage') },
          { path: '/reset-password', ...lazyPage(() => import('./pages/ResetPasswordPage'), 'ResetPasswordPage') },
          // 認識學群 (manual 1.3), public: linked from the sign-in page.
          { path: '/fields', ...lazyPage(() => import('./pages/fields'), 'PublicStudyFieldsPage') },
        ],
      },
      {
        path: '/',
        element: (
          <RequireAuth>
            <Suspense fallback={<PageLoading />}>
              <AppLayout />
            </Suspense>
          </RequireAuth>
        ),
        children: [...appRoutes, { path: '*', ...lazyPage(() => import('./pages/NotFoundPage'), 'NotFoundPage') }],
      },
    ],
  },
];
