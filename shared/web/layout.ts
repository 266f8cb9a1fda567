import { html, type SafeHtml } from '../html/index.ts';
import { siteCssPath } from './styles.ts';

export interface PageOptions {
  /** The document title (and, unless `heading` is false, the page's h1 is up to the body). */
  title: string;
  body: SafeHtml;
  /** Optional link at the right of the header. */
  headerLink?: { href: string; text: string };
}

/**
 * The frame of every page: skip link, header, `main` landmark, footer. No script anywhere:
 * the pages work with JavaScript off, and the CSP allows none.
 */
export function renderPage(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} · News Alerts</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${siteCssPath}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><div class="inner">
<a class="brand" href="/"><span class="brand-mark" aria-hidden="true">N</span>News Alerts</a>
${options.headerLink ? html`<a href="${options.headerLink.href}">${options.headerLink.text}</a>` : ''}
</div></header>
<main id="main" tabindex="-1">
${options.body}
</main>
<footer class="site-footer"><p>News alerts on UN meetings, peace talks and sanctions. We only email you what you confirm, and every email has a link to change or stop it.</p></footer>
</body>
</html>
`.value;
}
