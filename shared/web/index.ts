/**
 * The subscription pages: server-rendered HTML (no script), one stylesheet, CSRF-protected form
 * posts. The request/response shapes the pages share with the JSON API are in
 * `shared/api/incoming-http.ts`; the `html` template is in `shared/html/`.
 */
export { createSitePages, type SitePages } from './site.ts';
export { checkCsrf, CSRF_FIELD, issueCsrf, isSecureRequest, type CsrfCheck, type CsrfIssue } from './csrf.ts';
export { FORM_LIMITS, parseForm, type FormFields } from './form.ts';
export { renderPage, type PageOptions } from './layout.ts';
export { siteCss, siteCssPath } from './styles.ts';
export { renderMessagePage, type MessagePageInput } from './pages/message-page.ts';
export { createUnsubscribeRoutes } from './unsubscribe-routes.ts';
export type { UnsubscribeRequest, UnsubscribeResponse } from './unsubscribe-routes.ts';
