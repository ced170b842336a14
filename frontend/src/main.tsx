import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppProviders } from './AppProviders';
import { session } from './auth/session';
import { createQueryClient } from './lib/queryClient';
import { routes } from './routes';
import './styles.css';

const router = createBrowserRouter(routes);
const queryClient = createQueryClient();
// After a reload: exchange the refresh token kept in sessionStorage for a new access token.
void session.restore();

const container = document.getElementById('root');
if (!container) throw new Error('#root not found in index.html');

createRoot(container).render(
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
