/**
 * @module The one stylesheet of every page, served from `/assets/app.css` so the CSP can say
 * `style-src 'self'` with no inline styles. Colours meet WCAG AA contrast on white.
 */
export const STYLESHEET = `
:root { --ink: #1b1b1b; --muted: #505a5f; --line: #b1b4b6; --bg: #f3f2f1; --brand: #1d4e89;
  --focus: #ffbf47; --ok: #00703c; --warn: #8a4b00; --bad: #b10e1e; --card: #fff; }
* { box-sizing: border-box; }
html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--brand); text-underline-offset: 2px; }
a:hover { color: #0b2e57; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 0; box-shadow: 0 0 0 5px var(--ink); }
.skip { position: absolute; left: -999px; top: 0; background: var(--focus); color: var(--ink); padding: .5rem 1rem; }
.skip:focus { left: 0; z-index: 10; }
header.site { background: var(--brand); color: #fff; }
header.site .bar { max-width: 72rem; margin: 0 auto; padding: .75rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header.site a { color: #fff; }
header.site .name { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
main.narrow { max-width: 42rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 1rem 0 .75rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
.lead { font-size: 1.1rem; color: var(--muted); margin-top: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 4px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.card > :last-child { margin-bottom: 0; }
.card.stale { border-left: 6px solid var(--warn); }
.card.fresh { border-left: 6px solid var(--ok); }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 .5rem; }
.badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: 0 .5rem; border-radius: 3px; color: #fff; background: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.badge.stale, .badge.failed { background: var(--warn); }
.badge.ok, .badge.changed, .badge.unchanged, .badge.not-modified { background: var(--ok); }
.badge.never { background: var(--muted); }
.badge.high { background: var(--bad); }
.cited-change { margin: .1rem 0 0; font-weight: 700; }
.badge.confirmed { background: var(--ok); }
.badge.pending { background: var(--warn); }
.badge.suppressed { background: var(--bad); }
ul.counts { list-style: none; display: flex; gap: 1.25rem; flex-wrap: wrap; padding: 0; margin: 0 0 1rem; }
.notice { border: 3px solid var(--ok); background: #fff; padding: .75rem 1rem; margin: 1rem 0; }
.notice.error { border-color: var(--bad); }
ul.evidence { list-style: none; padding: 0; margin: .5rem 0 1rem; }
ul.evidence li { padding: .5rem 0; border-top: 1px solid #e1e1e1; }
.what { margin: .1rem 0 0; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
caption { text-align: left; font-weight: 700; padding: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
th { background: #e8e8e8; }
.table-wrap { overflow-x: auto; }
form.inline { display: flex; gap: .75rem; align-items: flex-end; flex-wrap: wrap; margin: .5rem 0; }
label { display: block; font-weight: 600; margin: 0 0 .25rem; }
.field { margin: 0 0 1rem; }
.hint { color: var(--muted); font-size: .9rem; margin: 0 0 .25rem; }
input[type=text], input[type=email], select, textarea { font: inherit; padding: .4rem .5rem; border: 2px solid var(--ink); border-radius: 0; background: #fff; color: var(--ink); min-width: 14rem; }
textarea { width: 100%; min-height: 3rem; }
input[type=email] { width: 100%; max-width: 30rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 700; margin-bottom: .5rem; }
.choice { display: flex; gap: .5rem; align-items: flex-start; margin: .25rem 0; }
.choice label { font-weight: 400; margin: 0; }
.choice input { width: 1.25rem; height: 1.25rem; margin-top: .15rem; }
button, .button { font: inherit; font-weight: 600; color: #fff; background: var(--ok); border: 0; border-bottom: 2px solid #002d18; padding: .5rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button:hover { background: #005a30; }
button.secondary { background: #dcdcdc; color: var(--ink); border-bottom-color: #929191; }
button.danger { background: var(--bad); border-bottom-color: #55070e; }
.pager { margin: 1rem 0; }
footer.site { max-width: 72rem; margin: 0 auto; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .9rem; }
code { font-size: .9em; background: #e8e8e8; padding: 0 .25rem; }
.op { display: flex; gap: .75rem; align-items: baseline; }
.method { font-family: ui-monospace, monospace; font-weight: 700; min-width: 4.5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ul.judge, ul.terms { list-style: none; padding: 0; margin: .25rem 0 0; }
ul.evidence ul.judge li { border-top: 0; padding: 0; }
#missed { margin-top: 1.5rem; }
#missed-form input[type=text] { width: 100%; max-width: 40rem; }
form.judge { margin: .15rem 0; align-items: center; gap: .5rem; }
form.judge .topic { min-width: 10rem; }
button.small { padding: .15rem .6rem; font-size: .9rem; }
.error-text { color: var(--bad); font-weight: 600; margin: 0 0 .25rem; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
`;

/** Served with the app so pages never need inline scripts or styles. */
export const DOCS_INIT_SCRIPT = `
window.addEventListener('load', function () {
  if (typeof window.SwaggerUIBundle !== 'function') return;
  var target = document.getElementById('swagger-ui');
  if (!target) return;
  window.SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
  var fallback = document.getElementById('operations');
  if (fallback) fallback.hidden = true;
});
`;
