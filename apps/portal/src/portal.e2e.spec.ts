import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  DevIdpProcess,
  freePort,
  launchChromium,
  NodeProcess,
  saveScreenshot,
  SCREENSHOTS_DIR,
  startApiProcess,
  startDevIdpProcess,
  startForwardProxy,
  startNodeProcess,
} from '@kommuna/platform-testing';

const SERVICE_COUNT = fs
  .readdirSync(path.join(__dirname, '../../../libs'))
  .filter((name) => fs.existsSync(path.join(__dirname, '../../../libs', name, 'service.yaml'))).length;
const E_FORMS_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../../libs/e-forms/package.json'), 'utf8')) as { version: string }
).version;

// The steering group's pages in a real browser (Debian's chromium through playwright-core), against
// the real identity provider (dev-idp) and the real api, both as their own processes, as `npm start`
// runs them (development mode: the demo usage is seeded). Every page is checked with axe-core.

const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS_DIR ?? SCREENSHOTS_DIR;
// The redirect URI dev-idp knows for the portal; the browser reaches it through a small proxy that
// sends it to the portal's free test port (see docs/catalogue.md, "Tests").
const PUBLIC_URL = 'http://127.0.0.1:3003';

/** Text with the non-breaking spaces Swedish number formatting uses made plain. */
const plain = (text: string | null): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

/** axe-core on the page, with every <details> open so the figures hidden in them are checked too. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  await assertAccessible(page, what);
}

/** A screenshot of the page as it first shows (its <details> closed). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = false)));
  await saveScreenshot(page, name, SCREENSHOTS);
}

describe('steering group portal in a real browser', () => {
  let idp: DevIdpProcess | undefined;
  let api: NodeProcess | undefined;
  let portal: NodeProcess | undefined;
  let browser: Browser | undefined;
  let portalPort: number;
  let proxy: http.Server | undefined;
  let proxyPort: number;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-portal-e2e-'));

  beforeAll(async () => {
    try {
      idp = await startDevIdpProcess();
      // Always the embedded database in its own folder, never the shared server database.
      const started = await startApiProcess({ dataDir, keycloakUrl: idp.url });
      api = started.process;
      portalPort = await freePort();
      portal = await startNodeProcess({
        script: 'apps/portal/src/main.ts',
        env: {
          NODE_ENV: 'development',
          PORTAL_PORT: String(portalPort),
          PORTAL_PUBLIC_URL: PUBLIC_URL,
          KEYCLOAK_URL: idp.url,
          API_URL: started.graphqlUrl,
        },
        readyText: 'Kommuna portal ready',
      });
      proxy = await startForwardProxy({ [PUBLIC_URL]: () => portalPort });
      proxyPort = (proxy.address() as { port: number }).port;
      browser = await launchChromium(['--disable-quic']);
    } catch (error) {
      await Promise.all([portal?.stop(), api?.stop(), idp?.stop(), browser?.close()]);
      proxy?.close();
      throw error;
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await api?.stop();
    await idp?.stop();
    proxy?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  async function newContext(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
    // bypassCSP lets the test inject axe-core (the pages themselves run no script); the proxy
    // takes the portal's public address to its test port.
    return browser!.newContext({
      viewport,
      bypassCSP: true,
      acceptDownloads: true,
      locale: 'sv-SE',
      proxy: { server: `http://127.0.0.1:${proxyPort}` },
    });
  }

  async function logIn(page: Page, username: string, target = '/catalogue'): Promise<void> {
    await page.goto(`${PUBLIC_URL}${target}`);
    // The identity provider's own login page, as a person would see it.
    await expect(page.url()).toContain(`${idp!.realmUrl}/interaction/`);
    await page.getByLabel('Användarnamn').fill(username);
    await page.getByLabel('Lösenord').fill('kommuna-demo');
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    await page.waitForURL(`${PUBLIC_URL}${target}`);
  }

  it('logs the steering group in through the identity provider and shows the catalogue with seeded figures', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'styrgrupp');
    await expect(await page.locator('h1').textContent()).toBe('Tjänstekatalog');
    const rows = page.locator('table').first().locator('tbody tr');
    // One row per service the repository describes (libs/*/service.yaml).
    expect(await rows.count()).toBe(SERVICE_COUNT);
    // npm start seeds demo figures: the page says so before anything else.
    expect(await page.locator('main .demo-banner').textContent()).toMatch(/^DEMO Demodata/);
    const eForms = plain(await rows.filter({ hasText: 'E-tjänster' }).textContent());
    expect(eForms).toMatch(/Beta/);
    expect(eForms).toMatch(/3 i produktion, 1 pilot/);
    expect(eForms).toMatch(/1 200 000 kr/);
    // Benefits computed from the seeded usage: a non-zero range.
    expect(eForms).toMatch(/[1-9][\d ]* kr – [1-9][\d ]* kr/);
    // The token never reaches the browser: the session cookie is opaque and httpOnly.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'kp_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(session!.value).not.toContain('.');
    await expectAccessible(page, 'catalogue');
    await screenshot(page, 'catalogue');

    // The meeting pack as CSV: every service's shares add up to its budget.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const [demoLine, header, ...lines] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    // Demo figures are marked before the header and in every row.
    expect(demoLine[0]).toMatch(/^DEMODATA/);
    expect(header.slice(0, 3)).toEqual(['År', 'Tjänst-id', 'Tjänst']);
    expect(lines.every((l) => l[l.length - 1] === 'DEMO')).toBe(true);
    const byService = new Map<string, { budget: number; sum: number }>();
    for (const line of lines) {
      const entry = byService.get(line[1]) ?? { budget: Number(line[8]), sum: 0 };
      entry.sum += Number(line[9]);
      byService.set(line[1], entry);
    }
    // The services some member uses (tenants/*/tenant.yaml): Sundsvall pilots rules and the AI platform.
    expect([...byService.keys()].sort()).toEqual(['ai', 'catalogue', 'digital-mail', 'e-forms', 'minasidor', 'rules']);
    for (const [service, { budget, sum }] of byService) expect({ service, sum }).toEqual({ service, sum: budget });
    expect(lines.filter((l) => l[1] === 'e-forms').map((l) => l[5])).toEqual([
      'Härnösands kommun',
      'Sundsvalls kommun',
      'Timrå kommun',
      'Ånge kommun',
    ]);

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner PDF' }).click()]);
    expect(
      fs
        .readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // The year selector changes the figures, not just the label: 2024 has its own budgets
    // (e-forms 1 000 000 kr; digital mail had none) and its own use.
    const thisYear = plain(await rows.filter({ hasText: 'E-tjänster' }).textContent());
    await page.getByLabel('År').selectOption('2024');
    await page.getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/year=2024/);
    const eForms2024 = plain(await page.locator('table').first().locator('tbody tr').filter({ hasText: 'E-tjänster' }).textContent());
    expect(eForms2024).toMatch(/1 000 000 kr/);
    expect(eForms2024).not.toEqual(thisYear);
    expect(plain(await page.locator('table').first().locator('tbody tr').filter({ hasText: 'Digital post' }).textContent())).toContain(
      'Ingen budget beslutad',
    );
    await expectAccessible(page, 'catalogue 2024');
    await context.close();
  }, 120_000);

  it('shows a service with status, version, adoption, costs and the benefit chart, and records follow-ups and decisions', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'styrgrupp', '/services/e-forms');
    await expect(await page.locator('h1').textContent()).toBe('E-tjänster');
    const facts = plain(await page.locator('dl.facts').first().textContent());
    // The version is the library's own, as released with changesets.
    expect(facts).toContain(`Version${E_FORMS_VERSION} (@kommuna/e-forms)`);
    expect(await page.locator('figure.chart svg[role="img"]').count()).toBe(2);
    // Handling time is in minutes per submission: the time saved is shown beside the kronor, in
    // whole hours at the demo's size (thousands of hours), with the minutes per submission.
    expect(plain(await page.locator('section.card', { hasText: 'Tid som sparats:' }).first().textContent())).toMatch(
      /Tid som sparats: [\d\s]+–[\d\s]+ timmar \([\d\s]+ × [\d–,\s]+ minuter\)/,
    );
    // The cost table's total is the budget.
    expect(plain(await page.locator('table tfoot').first().textContent())).toContain('1 200 000 kr');
    // The release notes are the library's CHANGELOG.md, newest release first.
    expect(await page.locator('h2#changelog ~ h3').first().textContent()).toBe(E_FORMS_VERSION);
    await expectAccessible(page, 'service');
    await screenshot(page, 'service');

    // A follow-up through the form (with its CSRF token), then shown in the list and the chart.
    await page.getByLabel('Period från').fill('2025-01-01');
    await page.getByLabel('Period till').fill('2025-03-31');
    await page.getByLabel('Uppmätt värde').fill('9,5');
    await page.getByLabel('Mätdatum').fill('2025-04-02');
    await page.getByLabel('Källa', { exact: true }).fill('Tidsstudie i webbläsartestet');
    await page.getByRole('button', { name: 'Spara' }).click();
    await page.waitForURL(/saved=follow-up/);
    expect(await page.getByRole('status').textContent()).toBe('Sparat.');
    expect(await page.locator('#follow-ups + .table-wrap').textContent()).toContain('Tidsstudie i webbläsartestet');

    // A refused follow-up is shown with its field error, accessibly.
    await page.getByLabel('Källa', { exact: true }).fill('x');
    await page.getByLabel('Uppmätt värde').fill('9');
    await page.getByRole('button', { name: 'Spara' }).click();
    expect(await page.getByRole('alert').first().textContent()).toContain('source');
    await expectAccessible(page, 'service with form errors');

    // Digital mail is in production at two municipalities: stable is refused, saying what is missing.
    await page.goto(`${PUBLIC_URL}/services/digital-mail`);
    await page.getByLabel('Ny status').selectOption('stable');
    await page.getByLabel('Diarienummer').fill('KS 2025/0400');
    await page.getByRole('button', { name: 'Registrera beslut' }).click();
    const alert = (await page.getByRole('alert').textContent()) ?? '';
    expect(alert).toContain('stable kräver produktion i minst 3 kommuner; i produktion: 2 (sundsvall, timra), 1 saknas');
    await expectAccessible(page, 'refused decision');
    await screenshot(page, 'service-decision-refused');

    // E-forms carries stable: the decision is recorded and heads the history.
    await page.goto(`${PUBLIC_URL}/services/e-forms`);
    await page.getByLabel('Ny status').selectOption('stable');
    await page.getByLabel('Diarienummer').fill('KS 2025/0401');
    await page.getByRole('button', { name: 'Registrera beslut' }).click();
    await page.waitForURL(/saved=decision/);
    expect(await page.locator('#decisions + .table-wrap tbody tr').first().textContent()).toMatch(/Beta → Stabil.*KS 2025\/0401/);
    expect(await page.locator('dl.facts').first().textContent()).toMatch(/Stabil/);

    // The AI platform: Sundsvall pilots it (tenants/sundsvall/tenant.yaml), and the demo figures
    // invent no approved drafts, so no time is saved until a case worker approves one.
    await page.goto(`${PUBLIC_URL}/services/ai`);
    expect(plain(await page.locator('h2#adoption + ul').textContent())).toMatch(/Sundsvalls kommun\s*Pilot/);
    const benefits = await page.locator('section.card', { hasText: 'Tid som sparats:' }).allTextContents();
    expect(benefits.map((b) => plain(b).match(/Tid som sparats: [^)]*\)/)?.[0])).toEqual([
      'Tid som sparats: 0 minuter (0 × 20–25 minuter)',
      'Tid som sparats: 0 timmar (0 × 2 timmar)',
    ]);
    await context.close();
  }, 120_000);

  it('records a proposal for a shared service, the interest of another member and the decision, with field errors shown', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'styrgrupp', '/proposals');
    expect(await page.locator('h1').textContent()).toBe('Förslag');
    await page.getByLabel('Namn (svenska)').fill('Kontroll av hemtjänsttimmar');
    await page.getByLabel('Namn (engelska)').fill('Check of home-care hours');
    await page.getByLabel('Beskrivning (svenska)').fill('Ånges robot delas med alla medlemmar.');
    await page.getByLabel('Beskrivning (engelska)').fill("Ånge's robot shared with every member.");
    await page.getByLabel('Ursprung').selectOption('existing');
    await page.getByLabel('Leverantör (ej för byggs här)').fill('Robotbolaget AB');
    await page.getByLabel('Beräknad kostnad per år (kr, valfritt)').fill('12,5');
    await page.getByLabel('Föreslås av').selectOption('ange');
    await page.getByRole('button', { name: 'Registrera förslaget' }).click();
    // Kronor must be whole: the field is named, and what was typed is kept.
    expect(await page.getByRole('alert').textContent()).toContain('estimatedYearlyCostSek');
    expect(await page.getByLabel('Namn (svenska)').inputValue()).toBe('Kontroll av hemtjänsttimmar');
    await expectAccessible(page, 'proposal with form errors');
    await page.getByLabel('Beräknad kostnad per år (kr, valfritt)').fill('400 000');
    await page.getByRole('button', { name: 'Registrera förslaget' }).click();
    await page.waitForURL(/\/proposals$/);
    const card = page.locator('section.card', { hasText: 'Kontroll av hemtjänsttimmar' });
    expect(plain(await card.textContent())).toMatch(/Öppet.*En medlems egen, delas · Robotbolaget AB · 400 000 kr per år/);
    await card.getByText('Registrera intresse eller beslut').click();
    await card.getByLabel('Intresserad kommun').selectOption('sundsvall');
    await card.getByRole('button', { name: 'Registrera intresse' }).click();
    await page.waitForURL(/\/proposals$/);
    expect(await page.locator('section.card', { hasText: 'Kontroll av hemtjänsttimmar' }).textContent()).toContain('Sundsvalls kommun');
    const again = page.locator('section.card', { hasText: 'Kontroll av hemtjänsttimmar' });
    await again.getByText('Registrera intresse eller beslut').click();
    await again.getByLabel('Beslut', { exact: true }).selectOption('accepted');
    await again.getByLabel(/Beslutsdatum/).fill('2026-01-20');
    await again.getByLabel('Diarienummer').fill('KS 2026/0012');
    await again.getByRole('button', { name: 'Registrera beslut' }).click();
    await page.waitForURL(/\/proposals$/);
    const decided = plain(await page.locator('section.card', { hasText: 'Kontroll av hemtjänsttimmar' }).textContent());
    expect(decided).toContain('Beslutat: genomförs');
    expect(decided).toContain('2026-01-20: Beslutat: genomförs (diarienummer KS 2026/0012)');
    await expectAccessible(page, 'proposals');
    await screenshot(page, 'proposals');
    await context.close();
  }, 120_000);

  it('shows a municipality page, switches to English, and reads well on a phone', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'styrgrupp', '/municipalities/sundsvall');
    await expect(await page.locator('h1').textContent()).toBe('Sundsvalls kommun');
    expect(plain(await page.locator('dl.facts').textContent())).toMatch(/99 800/);
    // Another year, other figures: Sundsvall's total share and use follow the year chosen.
    const facts = plain(await page.locator('dl.facts').textContent());
    await page.getByLabel('År').selectOption(String(new Date().getFullYear() - 2));
    await page.getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL(/year=/);
    expect(plain(await page.locator('dl.facts').textContent())).not.toEqual(facts);
    await page.goto(`${PUBLIC_URL}/municipalities/sundsvall`);
    await expectAccessible(page, 'municipality');
    await screenshot(page, 'municipality');

    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL(`${PUBLIC_URL}/municipalities/sundsvall`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Municipality of Sundsvall');
    await page.getByRole('link', { name: 'Service catalogue' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Service catalogue');
    await expectAccessible(page, 'catalogue in English');
    await screenshot(page, 'catalogue-en');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${PUBLIC_URL}/services/minasidor`);
    // Nothing but the tables' own scroll areas is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(page, 'service on a phone');
    await screenshot(page, 'service-phone');
    await context.close();
  }, 120_000);

  it('refuses form posts without the CSRF token or from another origin, and logs out', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'styrgrupp', '/services/e-forms');
    const token = await page.locator('input[name="csrf"]').first().inputValue();
    const form = {
      hypothesisId: 'handling-time',
      periodStart: '2025-01-01',
      periodEnd: '2025-01-31',
      measuredValue: '8',
      measuredOn: '2025-02-01',
      source: 'forged',
    };
    const post = (data: Record<string, string>, headers: Record<string, string> = {}) =>
      page.request.post(`${PUBLIC_URL}/services/e-forms/follow-ups`, { form: data, headers, maxRedirects: 0 });
    expect((await post(form)).status()).toBe(403);
    expect((await post({ ...form, csrf: 'guess' })).status()).toBe(403);
    expect((await post({ ...form, csrf: token }, { origin: 'http://evil.example' })).status()).toBe(403);
    await page.reload();
    expect(await page.locator('#follow-ups + .table-wrap').textContent()).not.toContain('forged');

    // Logging out ends the identity provider's session too: given the id_token as hint, dev-idp (as
    // Keycloak) logs out at once, with no confirmation, and the browser comes back to the portal.
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(`${PUBLIC_URL}/logged-out`);
    expect(await page.locator('h1').textContent()).toBe('Du är utloggad');
    await expectAccessible(page, 'logged out');
    await page.goto(`${PUBLIC_URL}/catalogue`);
    // Both sessions are gone: the identity provider asks for the login again.
    await page.getByLabel('Användarnamn').waitFor();
    expect(page.url()).toMatch(/\/interaction\//);
    await context.close();
  }, 120_000);

  it('refuses a citizen a session: the portal is not for them', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${PUBLIC_URL}/catalogue`);
    await page.getByLabel('Användarnamn').fill('medborgare-anna');
    await page.getByLabel('Lösenord').fill('kommuna-demo');
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    // Refused at the callback, before a session is stored (issue 23): no portal session for a citizen.
    await page.waitForURL(/\/auth\/callback\?/);
    expect(await page.locator('h1').textContent()).toBe('Ingen behörighet');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('kp_session');
    expect(plain(await page.content())).not.toMatch(/1 200 000|E-tjänster/);
    await expectAccessible(page, 'forbidden');
    await context.close();
  }, 120_000);
});
