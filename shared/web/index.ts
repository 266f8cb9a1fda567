/**
 * The subscription pages: server-rendered HTML (no script), one stylesheet, CSRF-protected form
 * posts, and the request/response shapes the pages and the JSON API share.
 */
export { createSitePages, type SitePages } from './site.ts';
export { htmlResponse, jsonResponse, mediaTypeOf, redirectResponse, type HttpRequest, type HttpResponse } from './http.ts';
export { checkCsrf, CSRF_FIELD, issueCsrf, isSecureRequest, type CsrfCheck, type CsrfIssue } from './csrf.ts';
export { FORM_LIMITS, parseForm, type FormFields } from './form.ts';
export { escapeText, html, rawHtml, safeLink, SafeHtml, type HtmlValue } from './html.ts';
export { renderPage, type PageOptions } from './layout.ts';
export { siteCss, siteCssPath } from './styles.ts';
export { renderMessagePage, type MessagePageInput } from './pages/message-page.ts';
