/**
 * The subscription pages: server-rendered HTML (no script), one stylesheet, CSRF-protected form
 * posts. The request/response shapes the pages share with the JSON API are in
 * `shared/api/incoming-http.ts`; the `html` template is in `shared/html/`.
 */
export { createSitePages } from './site.ts';
export { renderMessagePage } from './pages/message-page.ts';
export { createUnsubscribeRoutes } from './unsubscribe-routes.ts';
