/** The product's name as shown in the header and the browser tab. */
export const APP_TITLE = '學習歷程檔案 Licheng';
/** The product's name in English. */
export const APP_TITLE_EN = 'Licheng Learning Portfolio';

/**
 * Links that leave the SPA (served by the backend, not by the router). Here rather than in
 * `navigation.tsx` (which re-exports them) so the sign-in page's frame does not pull in the menu.
 */
export const externalLinks = {
  apiDocs: '/api/docs/',
  openApiSpec: '/api/openapi.json',
} as const;
