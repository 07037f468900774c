/** The portal's one stylesheet: readable on a phone, AA contrast, visible focus. */
export const PORTAL_CSS = `
:root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --brand: #00457a; --brand-ink: #ffffff; --bg: #ffffff; --soft: #f2f5f8; --ok: #1d5e20; --warn: #8a4b00; --bad: #a1161b; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.5; }
body { margin: 0; }
a { color: var(--brand); text-decoration: underline; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, [tabindex]:focus-visible, summary:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--brand); color: var(--brand-ink); padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.site { background: var(--brand); color: var(--brand-ink); }
header.site a { color: var(--brand-ink); }
.bar { max-width: 80rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.brand { margin: 0; font-weight: 700; font-size: 1.1rem; }
.brand span { font-weight: 400; font-size: .95rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
.logout { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: 0; }
.logout button { background: var(--brand-ink); color: var(--brand); border: 0; border-radius: .25rem; padding: .3rem .7rem; font: inherit; cursor: pointer; }
main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.lead { font-size: 1.1rem; color: var(--muted); max-width: 48rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; min-width: 32rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td, tfoot th { font-weight: 700; }
.badge { display: inline-block; padding: 0 .45rem; border: 1px solid currentColor; border-radius: .75rem; font-size: .85rem; white-space: nowrap; }
.status-stable, .stage-production { color: var(--ok); }
.status-beta, .status-development, .stage-piloting { color: var(--brand); }
.status-concept { color: var(--muted); }
.status-obsolete, .stage-leaving { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: .35rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; background: var(--soft); min-width: 0; }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.chart > svg { width: 100%; height: auto; max-width: 44rem; display: block; }
.chart figcaption { margin-top: .25rem; }
figure.chart { margin: .5rem 0; }
.legend { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; margin: .25rem 0; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.legend svg { flex: none; }
form.record { display: grid; gap: .75rem; max-width: 36rem; background: var(--soft); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; }
form.record label { display: block; font-weight: 600; }
form.record input, form.record select, form.record textarea { display: block; width: 100%; font: inherit; padding: .4rem; border: 1px solid #767676; border-radius: .25rem; margin-top: .2rem; background: #fff; color: var(--ink); }
form.record button, form.year button, .button { justify-self: start; background: var(--brand); color: var(--brand-ink); border: 0; border-radius: .25rem; padding: .5rem 1rem; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
form.year { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; margin: .5rem 0 1rem; }
form.year select { font: inherit; padding: .3rem; }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 0; }
.error-summary { border: 2px solid var(--bad); padding: .75rem 1rem; border-radius: .5rem; margin: 1rem 0; }
.error-summary h3 { margin-top: 0; color: var(--bad); }
.field-error { color: var(--bad); font-weight: 600; margin: .2rem 0 0; }
.notice { border-left: 4px solid var(--ok); background: #eef6ee; padding: .5rem 1rem; }
.demo-banner { border: 3px dashed #8a4b00; background: #fff4e0; color: #3d2200; padding: .6rem 1rem; margin: 0 0 1rem; }
.demo-banner strong { background: #8a4b00; color: #fff; padding: .05rem .4rem; margin-right: .4rem; letter-spacing: .05em; }
.note { border-left: 4px solid var(--brand); background: #eef2f8; padding: .5rem 1rem; }
.actions { display: flex; gap: 1rem; flex-wrap: wrap; }
footer.site { max-width: 80rem; margin: 2rem auto 0; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .9rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.4rem; }
  .bar { padding: .5rem .75rem; }
  main { padding: .75rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4rem; }
}
`;
