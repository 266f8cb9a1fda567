import { createHash } from 'node:crypto';

/**
 * The pages' one stylesheet: served from our own origin (the CSP allows styles from 'self'
 * only, no inline styles), readable on a phone, visible focus, a dark scheme when the system
 * asks for one.
 */
export const siteCss = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #17191c; --muted: #555b66; --line: #d9dde3;
  --accent: #1d4ed8; --accent-text: #ffffff; --accent-soft: #e8efff;
  --danger: #b42318; --danger-soft: #fdecea; --ok: #166534; --ok-soft: #e7f6ec; --warn-soft: #fff6e0;
  --focus: #f59e0b; --radius: 10px;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111317; --card: #1a1d23; --text: #eef0f3; --muted: #a7adb8; --line: #333842;
    --accent: #7aa2ff; --accent-text: #0b1020; --accent-soft: #1c2a4a;
    --danger: #ff8a80; --danger-soft: #3a1d1b; --ok: #7ddc9a; --ok-soft: #15301f; --warn-soft: #352c12;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); text-underline-offset: 0.15em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
/* Read by screen readers, not shown. */
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip-link { position: absolute; left: -999px; top: 0.5rem; background: var(--card); padding: 0.5rem 1rem; border-radius: var(--radius); }
.skip-link:focus { left: 0.5rem; z-index: 10; }
.site-header { border-bottom: 1px solid var(--line); background: var(--card); }
.site-header .inner, main, .site-footer { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
.site-header .inner { display: flex; align-items: center; justify-content: space-between; min-height: 3.5rem; }
.brand { font-weight: 700; font-size: 1.1rem; color: var(--text); text-decoration: none; display: inline-flex; gap: 0.5rem; align-items: center; }
.brand-mark { display: inline-block; width: 1.6rem; height: 1.6rem; border-radius: 6px; background: var(--accent); color: var(--accent-text); text-align: center; line-height: 1.6rem; font-size: 0.95rem; }
main { padding-top: 1.5rem; padding-bottom: 2rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 0.5rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
.lead { color: var(--muted); margin: 0 0 1.5rem; font-size: 1.05rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.25rem; margin: 0 0 1.25rem; }
.card > :first-child { margin-top: 0; }
.card > :last-child { margin-bottom: 0; }
.field { margin: 0 0 1.25rem; }
.field:last-child { margin-bottom: 0; }
label, legend { font-weight: 600; display: block; margin-bottom: 0.3rem; }
legend { padding: 0; }
fieldset { border: 0; padding: 0; margin: 0 0 1.25rem; min-width: 0; }
.hint { color: var(--muted); font-size: 0.92rem; margin: 0 0 0.45rem; }
.hint code, .example code { background: var(--accent-soft); padding: 0.05rem 0.3rem; border-radius: 4px; font-size: 0.88rem; word-break: break-word; }
input[type=email], input[type=text], input[type=password], select {
  width: 100%; max-width: 100%; font: inherit; color: var(--text); background: var(--card);
  border: 1px solid var(--muted); border-radius: 8px; padding: 0.6rem 0.7rem; min-height: 2.75rem;
}
select.narrow { width: auto; min-width: 7rem; }
.inline-fields { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; }
.inline-fields > .field { flex: 1 1 12rem; margin-bottom: 0; }
.choice { display: grid; grid-template-columns: 1.5rem 1fr; gap: 0 0.6rem; align-items: start; align-content: start; padding: 0.6rem 0.7rem; border: 1px solid var(--line); border-radius: 8px; margin: 0 0 0.5rem; }
.choice:hover { border-color: var(--muted); }
.choice input { width: 1.25rem; height: 1.25rem; margin: 0.2rem 0 0; accent-color: var(--accent); }
.choice label { margin: 0; cursor: pointer; }
.choice .hint { grid-column: 2; margin: 0.1rem 0 0; }
.choice:has(input:checked) { border-color: var(--accent); background: var(--accent-soft); }
.choices-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: 0.5rem; }
.choices-row .choice { margin: 0; }
[aria-invalid=true] { border-color: var(--danger) !important; }
.field-error { color: var(--danger); font-weight: 600; font-size: 0.92rem; margin: 0 0 0.4rem; }
.error-summary { border: 2px solid var(--danger); background: var(--danger-soft); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
.error-summary h2 { margin: 0 0 0.4rem; font-size: 1.05rem; }
.error-summary ul { margin: 0; padding-left: 1.2rem; }
.notice { border-radius: var(--radius); padding: 0.9rem 1.1rem; margin: 0 0 1.25rem; border: 1px solid var(--line); }
.notice.ok { background: var(--ok-soft); border-color: var(--ok); }
.notice.warn { background: var(--warn-soft); }
.notice.error { background: var(--danger-soft); border-color: var(--danger); }
.notice p { margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin-top: 1.25rem; }
button, .button {
  font: inherit; font-weight: 600; border-radius: 8px; padding: 0.65rem 1.2rem; min-height: 2.75rem; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); text-decoration: none; display: inline-block;
}
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.danger { background: transparent; border-color: var(--danger); color: var(--danger); }
button:hover, .button:hover { filter: brightness(1.08); }
form.inline { display: inline; margin: 0; }
button.small-button { font-size: 0.85rem; padding: 0.25rem 0.6rem; min-height: 2rem; white-space: nowrap; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 0; }
.summary dt { color: var(--muted); }
.summary dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.85rem; font-weight: 600; border: 1px solid var(--line); }
.badge.active, .badge.ok { background: var(--ok-soft); color: var(--ok); border-color: var(--ok); }
.badge.paused, .badge.pending, .badge.warn { background: var(--warn-soft); }
.badge.unsubscribed, .badge.error { background: var(--danger-soft); color: var(--danger); border-color: var(--danger); }
.small { font-size: 0.9rem; color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.93rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
/* Long feed URLs and errors break anywhere, so a table fits its card and no column is cut off. */
td { overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.stories { list-style: none; padding: 0; margin: 0; }
.stories li { padding: 0.4rem 0; border-bottom: 1px solid var(--line); }
.stories li:last-child { border-bottom: 0; }
.site-footer { color: var(--muted); font-size: 0.85rem; padding-bottom: 2rem; }
@media (max-width: 30rem) {
  h1 { font-size: 1.45rem; }
  .card { padding: 1rem; }
  .summary { grid-template-columns: 1fr; }
  .summary dd { margin-bottom: 0.4rem; }
  .actions > * { flex: 1 1 100%; text-align: center; }
}
`;

/** Path of the stylesheet, versioned by its content so browsers may cache it for long. */
export const siteCssPath = `/assets/site.css?v=${createHash('sha256').update(siteCss).digest('hex').slice(0, 10)}`;
