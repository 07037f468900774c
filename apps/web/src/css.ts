/** The web's one stylesheet: readable at 320 px and 200 % zoom, AA contrast, visible focus. */
export const WEB_CSS = `
:root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --brand: #00457a; --brand-ink: #ffffff; --bg: #ffffff; --soft: #f2f5f8; --ok: #1d5e20; --warn: #8a4b00; --bad: #a1161b; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.5; }
body { margin: 0; }
a { color: var(--brand); text-decoration: underline; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, [tabindex]:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--brand); color: var(--brand-ink); padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { background: var(--brand); color: var(--brand-ink); }
header.site a { color: var(--brand-ink); }
.bar { max-width: 60rem; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
.brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
.brand a { display: inline-flex; align-items: center; gap: .5rem; }
.brand .logo { height: 2.5rem; width: auto; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: .5rem 1rem; flex-wrap: wrap; }
.account { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: 0; }
.account button { background: var(--brand-ink); color: var(--brand); border: 0; border-radius: .25rem; padding: .3rem .7rem; font: inherit; cursor: pointer; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 1.75rem 0 .75rem; }
.lead { font-size: 1.1rem; color: var(--muted); }
ul.plain { list-style: none; padding: 0; }
.cards { list-style: none; padding: 0; display: grid; gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; background: var(--soft); }
.card h2, .card h3 { margin: 0 0 .25rem; font-size: 1.15rem; }
.card p { margin: .25rem 0; }
form.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 1rem 0; }
form.search label { display: block; font-weight: 600; width: 100%; }
input, select, textarea { font: inherit; padding: .45rem; border: 1px solid #767676; border-radius: .25rem; background: #fff; color: var(--ink); max-width: 100%; }
form.search input { flex: 1 1 12rem; }
.button, button[type=submit] { background: var(--brand); color: var(--brand-ink); border: 0; border-radius: .25rem; padding: .55rem 1.1rem; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
.e-form .field { margin: 0 0 1.25rem; }
.buttons { display: flex; flex-wrap: wrap; gap: .75rem; }
button.secondary { background: #fff; color: var(--brand); border: 2px solid var(--brand); border-radius: .25rem; padding: .45rem 1rem; font: inherit; cursor: pointer; }
.e-form .field[hidden] { display: none; }
.e-form label, .e-form legend { display: block; font-weight: 600; }
.e-form fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
.e-form input:not([type=radio]):not([type=checkbox]), .e-form select, .e-form textarea { display: block; width: 100%; max-width: 36rem; margin-top: .25rem; }
.e-form .radio, .e-form .checkbox { margin: .25rem 0; }
.e-form .radio label, .e-form .checkbox label { font-weight: 400; display: inline-flex; gap: .4rem; align-items: center; }
.e-form .optional { font-weight: 400; color: var(--muted); }
.e-form .field-invalid { border-left: 4px solid var(--bad); padding-left: .75rem; }
.e-form .help-block, .hint { color: var(--muted); font-size: .95rem; margin: .2rem 0; }
.form-step { margin-bottom: 1.5rem; }
.field-error { color: var(--bad); font-weight: 600; margin: .2rem 0; }
.error-summary { border: 3px solid var(--bad); padding: .75rem 1rem; border-radius: .5rem; margin: 1rem 0 1.5rem; }
.error-summary:focus { outline: 3px solid #b35c00; outline-offset: 2px; }
.error-summary h2 { margin-top: 0; color: var(--bad); font-size: 1.2rem; }
.error-summary a { color: var(--bad); font-weight: 600; }
.notice { border-left: 4px solid var(--ok); background: #eef6ee; padding: .5rem 1rem; }
.company-switch h2 { margin-top: 0; }
.notice.protected-identity { border-left-color: var(--warn); background: #fdf3e6; margin: .25rem 0; }
address { font-style: normal; }
.panel { border: 3px solid var(--ok); border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
.panel h1 { margin-top: 0; }
dl.facts { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: .35rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); }
.badge { display: inline-block; padding: 0 .45rem; border: 1px solid currentColor; border-radius: .75rem; font-size: .9rem; }
.turn-CITIZEN { color: var(--bad); font-weight: 600; }
footer.site { max-width: 60rem; margin: 2rem auto 0; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .95rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.4rem; }
  main { padding: .75rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4rem; }
}
`;
