/**
 * The code a signed-in user needs first: the app frame (header, side menu, notification bell)
 * and the home page. Both are loaded on demand so that the sign-in page, the first page a visitor
 * sees, does not carry them (see `npm run size`). The sign-in page starts loading them as soon as
 * the form is sent, so they are usually there when the session is.
 */
export const loadAppLayout = () => import('./layouts/AppLayout');
export const loadHomePage = () => import('./pages/HomePage');

/** Start fetching the signed-in frame and the home page (a failure shows when they are rendered). */
export function preloadSignedIn(): void {
  for (const load of [loadAppLayout, loadHomePage]) load().catch(() => undefined);
}
