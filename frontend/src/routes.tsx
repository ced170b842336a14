import type { RouteObject } from 'react-router';
import { appRoutes } from './appRoutes';
import { FullPageSpin, RequireAuth } from './auth/RequireAuth';
import { AppLayout } from './layouts/AppLayout';
import { PublicLayout } from './layouts/PublicLayout';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { RouteErrorPage } from './pages/RouteErrorPage';

/**
 * The app's routes: the public account pages (sign-in, forgot/reset password) in a plain frame,
 * and everything else behind `RequireAuth` in the app layout (`appRoutes.tsx` lists those pages).
 * The backend serves index.html for every non-API path, so deep links work.
 */
export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    // Shown while a lazily loaded page (e.g. 帳號管理) is fetched on the first load.
    hydrateFallbackElement: <FullPageSpin tip="載入中…" />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { path: '/login', element: <LoginPage /> },
          { path: '/forgot-password', element: <ForgotPasswordPage /> },
          { path: '/reset-password', element: <ResetPasswordPage /> },
        ],
      },
      {
        path: '/',
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
        children: [...appRoutes, { path: '*', element: <NotFoundPage /> }],
      },
    ],
  },
];
