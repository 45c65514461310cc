// The demo client's stylesheet, served from /assets/app.css (the CSP allows no inline style):
// high contrast, visible focus, responsive, follows the user's colour scheme.
export const stylesheet = `:root {
  color-scheme: light dark;
  --bg: #f5f3ef; --card: #ffffff; --text: #1c1b19; --muted: #55524c; --border: #d3cec5;
  --accent: #14532d; --accent-text: #ffffff; --ok-bg: #e7f4ea; --ok: #14532d;
  --danger-bg: #fdecec; --danger: #8a1414; --focus: #f2b705; --code-bg: #f1efe9;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #151412; --card: #1f1e1b; --text: #f1eee8; --muted: #bdb8ae; --border: #3d3a35;
    --accent: #6fd39a; --accent-text: #0c1a11; --ok-bg: #163222; --ok: #a8e8c0;
    --danger-bg: #3a1515; --danger: #ffb3b3; --code-bg: #2a2824; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.site { border-bottom: 1px solid var(--border); background: var(--card); }
header.site .inner, main { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem; }
header.site .inner { display: flex; align-items: center; justify-content: space-between; gap: 1rem; }
.brand { font-weight: 700; color: var(--accent); text-decoration: none; }
main { padding-top: 2rem; padding-bottom: 3rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
.lead { color: var(--muted); margin: 0 0 1.5rem; }
section.panel { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1.25rem 1.5rem; margin: 0 0 1.25rem; }
.note { color: var(--muted); font-size: .95rem; margin: .25rem 0 1rem; }
.button { display: inline-block; font: inherit; font-weight: 600; padding: .7rem 1.1rem; border-radius: 8px;
  border: 1px solid transparent; cursor: pointer; text-decoration: none; }
.button.primary { background: var(--accent); color: var(--accent-text); }
.button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
.button:hover { filter: brightness(1.08); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
.actions form { margin: 0; }
.alert { border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1.25rem; }
.alert.error { background: var(--danger-bg); color: var(--danger); }
.alert.ok { background: var(--ok-bg); color: var(--ok); }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-top: 1px solid var(--border); }
th { width: 11rem; font-weight: 600; }
td { overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
pre { background: var(--code-bg); padding: .75rem 1rem; border-radius: 8px; overflow-x: auto; margin: .5rem 0 0; }
ol.steps { padding-left: 1.25rem; }
ol.steps li { margin: .3rem 0; }
.status { font-weight: 700; }
.status.ok { color: var(--ok); }
.status.error { color: var(--danger); }
@media (max-width: 36rem) { th { width: 7rem; } main { padding-top: 1.25rem; } section.panel { padding: 1rem; } }
`;
