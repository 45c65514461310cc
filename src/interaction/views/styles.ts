// The stylesheet served at /assets/gatehouse.css: readable, high contrast (WCAG AA), responsive,
// visible keyboard focus, and it honours the user's colour scheme.
export const stylesheet = `:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1b1f24; --muted: #4a5360; --border: #c9ced6;
  --accent: #0b5cad; --accent-text: #ffffff; --danger-bg: #fdecec; --danger: #8a1414; --focus: #f2b705;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #121417; --card: #1d2126; --text: #eef1f4; --muted: #b5bdc7; --border: #3b434d;
    --accent: #5ca8ff; --accent-text: #0b1320; --danger-bg: #3a1515; --danger: #ffb3b3; }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
  background: var(--bg); color: var(--text);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.card { width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--border);
  border-radius: 12px; padding: 2rem; box-shadow: 0 6px 24px rgba(0,0,0,.08); }
.brand { margin: 0 0 1rem; font-weight: 700; letter-spacing: .04em; color: var(--accent); text-transform: uppercase; font-size: .8rem; }
h1 { margin: 0 0 .25rem; font-size: 1.5rem; line-height: 1.25; }
h2 { margin: 1.25rem 0 .25rem; font-size: 1.1rem; }
.links { padding-left: 1.25rem; margin: 0 0 1rem; }
.links li { margin: .35rem 0; }
a { color: var(--accent); }
.lead { margin: 0 0 1.25rem; color: var(--muted); }
.muted { color: var(--muted); font-size: .9rem; }
.stack { display: grid; gap: .4rem; }
label { font-weight: 600; margin-top: .5rem; }
input[type=text], input[type=password], input[type=email] { width: 100%; padding: .7rem .8rem; font: inherit; color: var(--text);
  background: var(--card); border: 1px solid var(--border); border-radius: 8px; }
button { font: inherit; font-weight: 600; padding: .75rem 1rem; border-radius: 8px; cursor: pointer; border: 1px solid transparent; }
button.primary { background: var(--accent); color: var(--accent-text); margin-top: 1rem; }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); margin-top: 1rem; }
a.button { display: inline-block; font-weight: 600; padding: .75rem 1rem; border-radius: 8px; text-decoration: none; }
a.button.primary { background: var(--accent); color: var(--accent-text); }
button:hover, a.button:hover { filter: brightness(1.08); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; }
.actions button { flex: 1 1 8rem; }
.notice { border: 1px solid var(--border); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
.alert { background: var(--danger-bg); color: var(--danger); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
.scopes { padding-left: 1.25rem; margin: 0 0 1rem; }
.scopes li { margin: .35rem 0; }
.client-logo { display: block; width: 64px; height: 64px; object-fit: contain; margin: 0 0 .75rem; }
.client-links ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 1.25rem 0 0; font-size: .9rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
/* The account page's lists (account/view.ts). */
.items { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .75rem; }
.item { border: 1px solid var(--border); border-radius: 8px; padding: .75rem 1rem; }
.item p { margin: 0; }
.item button { margin-top: .5rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
main > section { margin-top: 1.5rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
@media (max-width: 30rem) { body { padding: .75rem; place-items: start center; } .card { padding: 1.25rem; } }
`;
