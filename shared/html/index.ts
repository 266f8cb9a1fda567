/**
 * Rendering for readers: the auto-escaping `html` template that pages and emails are written in,
 * and the one layout every email is in. Imports nothing of ours but basics, so the domain modules
 * (emails) and the presentation (pages) can both use it.
 */
export { html, joinHtml, safeLink, SafeHtml } from './html.ts';
export { renderEmailLayout } from './email-layout.ts';
