import type { RouteObject } from 'react-router';
import { AppLayout } from './layouts/AppLayout';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RouteErrorPage } from './pages/RouteErrorPage';

/**
 * The app's routes. Pages go under the layout route; add a menu entry in `navigation.tsx`.
 * Large role areas can use `lazy: () => import('./pages/…')` to split the bundle.
 * The backend serves index.html for every non-API path, so deep links work.
 */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <HomePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
