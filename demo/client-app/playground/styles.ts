// The playground's stylesheet, served from /assets/playground.css (no inline style under the CSP):
// the lanes of the sequence diagram and the arrows between them, on top of the app's colours.
export const playgroundStylesheet = `main { max-width: 64rem; }
.lanes, .arrow { display: grid; grid-template-columns: repeat(8, 1fr); list-style: none; padding: 0; margin: 0; }
.lanes { border-bottom: 2px solid var(--border); }
.lane { grid-column: span 2; text-align: center; font-weight: 700; padding: .5rem .25rem; overflow-wrap: anywhere; }
ol.sequence { list-style: none; padding: 0; margin: 0; }
section.panel { overflow-wrap: anywhere; }
.step { border-top: 1px solid var(--border); padding: .75rem 0 1rem; }
.step h3 { font-size: 1.05rem; margin: .5rem 0; }
.step h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
.step .number { display: inline-block; background: var(--accent); color: var(--accent-text); border-radius: 999px; padding: 0 .6rem; margin-right: .35rem; }
.step .path { display: block; font-weight: 400; color: var(--muted); font-size: .9rem; }
.arrow { height: 1.25rem; align-items: center; }
.arrow .line { position: relative; height: 3px; background: var(--accent); }
.arrow .line::after { content: ""; position: absolute; top: -6px; right: -2px; border: 7px solid transparent; border-left: 10px solid var(--accent); border-right: 0; }
.arrow .line.leftward::after { right: auto; left: -2px; border-left: 0; border-right: 10px solid var(--accent); }
.arrow .from-1.to-2 { grid-column: 2 / 4; }
.arrow .from-1.to-3 { grid-column: 2 / 6; }
.arrow .from-1.to-4 { grid-column: 2 / 8; }
.arrow .from-2.to-3 { grid-column: 4 / 6; }
.arrow .from-2.to-4 { grid-column: 4 / 8; }
.arrow .from-3.to-4 { grid-column: 6 / 8; }
.label { font-weight: 600; margin: .75rem 0 .25rem; }
.request, .response { margin: .5rem 0; }
.method { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
figure.exchange { margin: .75rem 0; padding: .75rem; border: 1px solid var(--border); border-radius: 8px; }
figure.exchange figcaption { font-weight: 600; }
ul.checks { padding-left: 1.1rem; }
ul.checks li { margin: .3rem 0; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.two > div { min-width: 0; }
.two pre { margin: 0; }
article.why { border-top: 1px solid var(--border); padding: 1rem 0; }
article.why h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.result { margin-top: .75rem; }
.result h4 { margin: .5rem 0; font-size: 1rem; }
table.compare th { width: auto; }
@media (max-width: 40rem) {
  .two { grid-template-columns: 1fr; }
  .lane { font-size: .8rem; }
  pre { font-size: .8rem; }
}
`;
