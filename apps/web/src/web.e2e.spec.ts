import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  requestAsBrowser,
  saveScreenshot,
  SCREENSHOTS_DIR,
  startWebPlatform,
  WebPlatform,
} from '@kommuna/platform-testing';
import { logIn, posting, submitParkingPermit } from './testing/browser-steps';

// The residents' web in a real browser (Debian's chromium through playwright-core), against the
// real identity provider (dev-idp) and the real api, each its own process as `npm start` runs
// them. Municipalities are told apart by host name: <slug>.localhost, which the browser sends to
// this machine. Sessions live in Redis (127.0.0.1:6379), so they survive the web's restart.
// Every page is checked with axe-core.

const SCREENSHOTS = process.env.WEB_SCREENSHOTS_DIR ?? SCREENSHOTS_DIR;
/** The budget of issue 17: JavaScript per page, compressed. */
const SCRIPT_BUDGET_BYTES = 150 * 1024;

const screenshot = (page: Page, name: string) => saveScreenshot(page, name, SCREENSHOTS);
/** A request as the browser sends it to <slug>.localhost (the test process cannot resolve those names). */
const request = requestAsBrowser;

/** What has the keyboard focus: its tag, id, name, value and text, for finding it and for the message when a step fails. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    return {
      tag: element?.tagName.toLowerCase(),
      id: element?.id ?? '',
      name: element?.getAttribute('name') ?? '',
      value: element?.value ?? '',
      text: element?.textContent?.trim() ?? '',
    };
  });

/** Presses Tab until the focus is on what `wanted` accepts (at most 40 times): how a keyboard user moves. */
async function tabTo(page: Page, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (wanted(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${what}; the focus is on ${JSON.stringify(await focused(page))}`);
}

describe('residents web in a real browser', () => {
  let platform: WebPlatform;
  const sundsvall = () => `http://sundsvall.localhost:${platform.webPort}`;
  const timra = () => `http://timra.localhost:${platform.webPort}`;

  beforeAll(async () => {
    platform = await startWebPlatform({ slugs: ['sundsvall', 'timra'] });
  }, 300_000);
  afterAll(() => platform?.stop(), 60_000);

  // bypassCSP lets the test inject axe-core (the pages allow only their own scripts).
  const newContext = (viewport = { width: 1280, height: 900 }): Promise<BrowserContext> =>
    platform.browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true, locale: 'sv-SE' });

  it('serves each municipality on its own host with its name, lists and searches its e-services, in Swedish and English', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${platform.webPort}/`);
    expect(await page.locator('h1').textContent()).toBe('Välj kommun');
    expect(await page.locator('main a').allTextContents()).toEqual([
      'Ånge kommun',
      'Härnösands kommun',
      'Sundsvalls kommun',
      'Timrå kommun',
    ]);
    await assertAccessible(page, 'choose a municipality');

    await page.getByRole('link', { name: 'Timrå kommun' }).click();
    await page.waitForURL(`${timra()}/e-services`);
    expect(await page.locator('header .brand').textContent()).toBe('Timrå kommun');
    // Timrå's look from its tenant.yaml: its colour on the header and links, its logo beside the name (decoration: alt "").
    expect(await page.locator('header.site').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(30, 107, 58)');
    const logo = page.locator('header .brand img');
    expect([await logo.getAttribute('alt'), await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)]).toEqual([
      '',
      true,
    ]);
    await assertAccessible(page, 'e-services in Timrå’s colours');
    await screenshot(page, 'web-theme-timra');
    // Sundsvall names no look: the platform's own colour.
    await page.goto(`${sundsvall()}/e-services`);
    expect(await page.locator('header.site').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(0, 69, 122)');
    expect(await page.locator('header .brand img').count()).toBe(0);

    await page.goto(`${sundsvall()}/e-services`);
    expect(await page.locator('h1').textContent()).toBe('E-tjänster – Sundsvalls kommun');
    expect(await page.locator('main .card h2').allTextContents()).toEqual([
      'Ansök om parkeringstillstånd för rörelsehindrade',
      'Fråga om bygglov',
      'Välj skola',
    ]);
    await assertAccessible(page, 'e-services');
    await screenshot(page, 'web-e-services');

    await page.getByLabel('Sök bland e-tjänsterna').fill('parkering');
    await page.getByRole('button', { name: 'Sök' }).click();
    await page.waitForURL(/q=parkering/);
    expect(await page.locator('main .card h2').allTextContents()).toEqual(['Ansök om parkeringstillstånd för rörelsehindrade']);
    await page.getByLabel('Sök bland e-tjänsterna').fill('simhall');
    await page.getByRole('button', { name: 'Sök' }).click();
    await page.waitForURL(/q=simhall/);
    expect(await page.getByRole('status').textContent()).toBe('0 e-tjänster');

    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL(/\/e-services\?q=simhall/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('header .brand').textContent()).toBe('Municipality of Sundsvall');
    await page.goto(`${sundsvall()}/e-services?q=building`);
    expect(await page.locator('main .card h2').allTextContents()).toEqual(['Ask about a building permit']);
    await assertAccessible(page, 'e-services in English');

    // Reading needs no JavaScript: the list is in the page as served.
    const served = (await request(`${sundsvall()}/e-services`)).body.toString();
    expect(served).toContain('Fråga om bygglov');
    expect(served).not.toContain('<script');
    await context.close();
  }, 120_000);

  it("shows the api's messages for a form without login, with an error summary, in English too", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${sundsvall()}/e-services/bygglov-forfragan`);
    // The field shown for "annat" only is hidden by the page script until it applies.
    expect(await page.locator('[data-field="annanAtgard"]').isHidden()).toBe(true);
    await page.getByLabel('Åtgärd', { exact: true }).selectOption('annat');
    expect(await page.locator('[data-field="annanAtgard"]').isVisible()).toBe(true);
    await page.getByLabel('Fastighetsbeteckning').fill('Sundsvall Norrmalm 3:12');
    await posting(page, () => page.getByRole('button', { name: 'Skicka in' }).click());
    const summary = page.getByRole('alert');
    expect(await summary.locator('h2').textContent()).toBe('Det finns fel i formuläret');
    // The summary has the focus, so a screen reader reads it first; its links lead to the fields.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await summary.locator('li').first().textContent()).toBe('Vilken åtgärd?: Fältet måste fyllas i');
    expect(await page.locator('#root_annanAtgard__error').textContent()).toContain('Fältet måste fyllas i');
    expect(await page.getByLabel('Fastighetsbeteckning').inputValue()).toBe('Sundsvall Norrmalm 3:12');
    expect(await page.title()).toMatch(/^Fel: Fråga om bygglov/);
    await assertAccessible(page, 'form with errors');
    await screenshot(page, 'web-form-errors');

    await page.getByRole('link', { name: 'In English' }).click();
    await page.goto(`${sundsvall()}/e-services/bygglov-forfragan`);
    await posting(page, () => page.getByRole('button', { name: 'Submit' }).click());
    expect(await page.getByRole('alert').locator('h2').textContent()).toBe('There is a problem with the form');
    expect(await page.getByRole('alert').textContent()).toContain('This field is required');
    await context.close();
  }, 120_000);

  it('lets a resident log in, submit the parking permit by keyboard alone, get the receipt and its PDF, and see the case in Mina sidor', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    // The form needs a login: the realm's own login page, done by keyboard.
    expect(page.url()).toContain(`${platform.idp.realmUrl}/interaction/`);
    await tabTo(page, (f) => f.name === 'username' || f.id === 'username', 'the user name');
    await page.keyboard.type('medborgare-anna');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kommuna-demo');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    expect(await page.locator('.account strong').textContent()).toBe('Anna Andersson');
    // The session cookie is httpOnly and opaque: the token stays on the server.
    const cookie = (await context.cookies()).find((c) => c.name === 'kw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookie!.value).not.toContain('.');
    await assertAccessible(page, 'parking permit form');
    await screenshot(page, 'web-form');

    // The page's script is within the budget, and the only one.
    const scripts = await page.locator('script[src]').evaluateAll((all) => all.map((s) => (s as HTMLScriptElement).src));
    expect(scripts).toHaveLength(1);
    const script = await request(scripts[0], { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers['content-encoding']).toBe('gzip');
    expect(script.body.length).toBeLessThan(SCRIPT_BUDGET_BYTES);
    expect(gunzipSync(script.body).toString()).toContain('form-shape');

    // By keyboard: the first field is the role (radio group); Space chooses.
    await tabTo(page, (f) => f.id === 'root_roll-0', 'the first option of the role');
    await page.keyboard.press('Space');
    expect(await page.locator('[data-field="behovAvHjalp"]').isHidden()).toBe(true);
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('root_telefon');
    await page.keyboard.type('060-12 34 56');
    await tabTo(page, (f) => f.id === 'root_funktionsnedsattning', 'the disability');
    await page.keyboard.type('Jag har svår artros i båda knäna och kan inte gå långt.');
    await page.keyboard.press('Tab');
    // A wrong entry first: months in words.
    await page.keyboard.type('ett år');
    await page.keyboard.press('Tab');
    await page.keyboard.type('50');
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('root_harLakarintyg-0');
    // Arrow keys move within the yes/no group: "Nej".
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#root_harLakarintyg-1').isChecked()).toBe(true);
    expect(await page.locator('[data-field="lakarintyg"]').isHidden()).toBe(true);
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Skicka in', 'the submit button');
    await posting(page, () => page.keyboard.press('Enter'));

    // Refused by the api, said in plain Swedish; the summary has the focus and links to the field.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Hur länge beräknas funktionsnedsättningen vara (månader)?: Fel typ: ska vara ett heltal',
    ]);
    await assertAccessible(page, 'parking permit with an error');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'root_varaktighetManader');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('24');
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Skicka in', 'the submit button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/receipts\//);

    // The receipt: errand number (the form's prefix), status, answers, and the PDF.
    expect(await page.locator('h1').textContent()).toBe('Tack, vi har tagit emot ditt ärende');
    const errandNumber = (await page.locator('#errand-number').textContent()) ?? '';
    expect(errandNumber).toMatch(/^PTS-\d{4}-\d{6}$/);
    expect(await page.locator('main dl').first().textContent()).toContain('Handläggs');
    expect(await page.locator('main').textContent()).toContain('Jag har svår artros');
    await assertAccessible(page, 'receipt');
    await screenshot(page, 'web-receipt');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Ladda ner kvittensen (PDF)' }).click(),
    ]);
    const pdf = fs.readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Mina sidor: the case arrives through the api's event flow; reading it needs no script.
    await page.getByRole('link', { name: 'Följ ärendet i Mina sidor' }).click();
    await page.waitForURL(`${sundsvall()}/my-pages`);
    for (let i = 0; i < 30 && !((await page.locator('main').textContent()) ?? '').includes(errandNumber); i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    const row = page.locator('tbody tr', { hasText: errandNumber });
    expect(await row.locator('td').allTextContents()).toEqual([
      `Ansök om parkeringstillstånd för rörelsehindrade${errandNumber}`,
      'Sundsvalls kommun',
      expect.stringMatching(/^(Inskickat|Under behandling)$/),
      'Kommunens tur',
      expect.any(String),
    ]);
    expect(await page.locator('script').count()).toBe(0);
    await assertAccessible(page, 'Mina sidor');
    await screenshot(page, 'web-my-pages');
    await row.getByRole('link').click();
    await page.waitForURL(/\/my-pages\/cases\//);
    expect(await page.locator('main dl').first().textContent()).toContain(errandNumber);
    await assertAccessible(page, 'case');

    // The session is not in the web's memory: it survives the web's restart.
    await platform.restartWeb();
    await page.goto(`${sundsvall()}/my-pages`);
    expect(page.url()).toBe(`${sundsvall()}/my-pages`);
    expect(await page.locator('tbody').textContent()).toContain(errandNumber);

    // Logout ends the web's session and the realm's (RP-initiated, the id_token as hint: no question
    // at the realm), and the browser comes back through the callback to the web's goodbye.
    const before = (await context.cookies()).find((c) => c.name === 'kw_session')!.value;
    const realmVisits: string[] = [];
    page.on('request', (sent) => sent.url().startsWith(platform.idp.realmUrl) && realmVisits.push(sent.url()));
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(`${sundsvall()}/logged-out`);
    expect(await page.locator('h1').textContent()).toBe('Du är utloggad');
    await assertAccessible(page, 'logged out');
    expect(realmVisits.find((url) => url.includes('/protocol/openid-connect/logout'))).toContain('id_token_hint=');
    expect((await context.cookies()).find((c) => c.name === 'kw_session')).toBeUndefined();
    // The realm's session is over too: Mina sidor goes through the realm's login form again.
    await page.goto(`${sundsvall()}/my-pages`);
    expect(page.url()).toContain(`${platform.idp.realmUrl}/interaction/`);
    await logIn(page, 'medborgare-anna');
    await page.waitForURL(`${sundsvall()}/my-pages`);
    expect((await context.cookies()).find((c) => c.name === 'kw_session')!.value).not.toBe(before);
    // The old session is gone from the store: its cookie no longer opens Mina sidor.
    const old = await request(`${sundsvall()}/my-pages`, { headers: { cookie: `kw_session=${before}` } });
    expect(old.status).toBe(303);
    expect(old.headers.location).toMatch(/^\/auth\/login/);
    await context.close();
  }, 240_000);

  it("walks the README: a resident applies, the case worker's unit inbox asks for completion, the resident gives it with a file and a message in Mina sidor, the case worker decides with validity and document; other units see nothing", async () => {
    const resident = await newContext();
    const residentPage = await resident.newPage();
    await residentPage.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    await logIn(residentPage, 'medborgare-anna');
    await residentPage.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    const errandNumber = await submitParkingPermit(residentPage, 'Jag har en nervskada i benen och kan bara gå korta sträckor.');
    expect(errandNumber).toMatch(/^PTS-\d{4}-\d{6}$/);
    // A resident has no workspace.
    await residentPage.goto(`${sundsvall()}/workspace`);
    expect(await residentPage.locator('h1').textContent()).toBe('Ingen behörighet');

    const staff = await newContext();
    const page = await staff.newPage();
    await page.goto(`${sundsvall()}/workspace`);
    await logIn(page, 'sundsvall-socialtjanst');
    await page.waitForURL(`${sundsvall()}/workspace`);
    expect(await page.locator('h1').textContent()).toBe('Inkorg – socialtjanst');
    const row = page.locator('tbody tr', { hasText: errandNumber });
    expect(await row.locator('td').allTextContents()).toEqual([
      `${errandNumber}Ansök om parkeringstillstånd för rörelsehindrade`,
      'Handläggs',
      expect.any(String),
    ]);
    await assertAccessible(page, 'workspace inbox');
    await screenshot(page, 'web-workspace-inbox');
    // The status filter: the errand is under "Handläggs", not under "Beslut finns".
    await page.getByLabel('Visa status').selectOption('decided');
    await posting(page, () => page.getByRole('button', { name: 'Filtrera' }).click());
    expect(await page.locator('main').textContent()).not.toContain(errandNumber);

    await page.goto(`${sundsvall()}/workspace?status=manual_handling`);
    await page.getByRole('link', { name: errandNumber }).click();
    await page.waitForURL(/\/workspace\/submissions\//);
    const caseUrl = page.url();
    expect(await page.locator('h1').textContent()).toBe(`Ansök om parkeringstillstånd för rörelsehindrade, ${errandNumber}`);
    expect(await page.locator('main').textContent()).toContain('Jag har en nervskada i benen');
    // Who applied: the name and registered address from Navet (the simulator's Anna), and the personnummer.
    expect(await page.locator('#applicant strong').textContent()).toBe('Anna Andersson');
    expect(await page.locator('#applicant address').innerText()).toBe('Storgatan 12\n852 30 SUNDSVALL');
    expect(await page.locator('#applicant-identity').textContent()).toBe('199001019802');
    expect(await page.locator('#protected-identity').count()).toBe(0);
    await assertAccessible(page, 'workspace case');
    await screenshot(page, 'web-workspace-case');

    // An empty completion request: the error summary names the field and links to it.
    await posting(page, () => page.getByRole('button', { name: 'Begär komplettering' }).click());
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Vad behöver den sökande komplettera?: Fältet måste fyllas i',
    ]);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await assertAccessible(page, 'workspace case with an error');
    await page
      .getByLabel('Vad behöver den sökande komplettera? (på svenska)')
      .fill('Skicka ett läkarintyg som visar hur länge funktionsnedsättningen varar.');
    await posting(page, () => page.getByRole('button', { name: 'Begär komplettering' }).click());
    expect(await page.getByRole('status').textContent()).toBe('Begäran om komplettering är skickad.');
    expect(await page.locator('#case-status').textContent()).toBe('Komplettering behövs');

    // The resident: Mina sidor says it is their turn; the completion is given in place, with the certificate.
    await residentPage.goto(`${sundsvall()}/my-pages`);
    const myRow = residentPage.locator('tbody tr', { hasText: errandNumber });
    for (let i = 0; i < 30 && !((await myRow.textContent()) ?? '').includes('Komplettering behövs'); i++) {
      await residentPage.waitForTimeout(500);
      await residentPage.reload();
    }
    expect(await myRow.locator('td').nth(2).textContent()).toBe('Komplettering behövs');
    expect(await myRow.locator('td').nth(3).textContent()).toBe('Din tur');
    await myRow.getByRole('link').click();
    await residentPage.waitForURL(/\/my-pages\/cases\//);
    const myCaseUrl = residentPage.url();
    expect(await residentPage.locator('#completion-message').textContent()).toBe(
      'Skicka ett läkarintyg som visar hur länge funktionsnedsättningen varar.',
    );
    await assertAccessible(residentPage, 'Mina sidor case awaiting completion');
    // A message to the municipality: an empty one is refused with the error summary, then sent.
    await posting(residentPage, () => residentPage.getByRole('button', { name: 'Skicka meddelandet' }).click());
    expect(await residentPage.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Skriv ett meddelande till kommunen: Fältet måste fyllas i',
    ]);
    await residentPage.getByLabel('Skriv ett meddelande till kommunen').fill('Jag skickar läkarintyget i dag.');
    await posting(residentPage, () => residentPage.getByRole('button', { name: 'Skicka meddelandet' }).click());
    expect(await residentPage.getByRole('status').textContent()).toBe('Meddelandet är skickat.');
    expect(await residentPage.locator('section[aria-labelledby="messages"] li').allTextContents()).toEqual([
      expect.stringContaining('Jag skickar läkarintyget i dag.'),
    ]);

    await residentPage.getByRole('link', { name: 'Komplettera ärendet' }).click();
    await residentPage.waitForURL(/\/completion$/);
    // The answers as given are filled in.
    expect(await residentPage.getByLabel('Beskriv din funktionsnedsättning').inputValue()).toBe(
      'Jag har en nervskada i benen och kan bara gå korta sträckor.',
    );
    await residentPage.locator('#root_harLakarintyg-0').check();
    expect(await residentPage.locator('[data-field="lakarintyg"]').isVisible()).toBe(true);
    await assertAccessible(residentPage, 'completion form');
    await screenshot(residentPage, 'web-completion');
    // A file of a type the form does not take: said at the field, nothing sent.
    await residentPage
      .locator('#root_lakarintyg')
      .setInputFiles({ name: 'intyg.txt', mimeType: 'text/plain', buffer: Buffer.from('inte ett intyg') });
    await posting(residentPage, () => residentPage.getByRole('button', { name: 'Skicka kompletteringen' }).click());
    expect(await residentPage.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Läkarintyg: Den här typen av fil går inte att bifoga här',
    ]);
    await assertAccessible(residentPage, 'completion form with an error');
    const certificate = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await residentPage
      .locator('#root_lakarintyg')
      .setInputFiles({ name: 'läkarintyg.pdf', mimeType: 'application/pdf', buffer: certificate });
    await posting(residentPage, () => residentPage.getByRole('button', { name: 'Skicka kompletteringen' }).click());
    expect(residentPage.url()).toBe(`${myCaseUrl}?done=completion`);
    expect(await residentPage.getByRole('status').textContent()).toBe('Tack, kompletteringen är skickad. Nu är det kommunens tur.');
    // Given, it no longer says "Komplettering behövs" once the api's event flow caught up.
    await residentPage.goto(`${sundsvall()}/my-pages`);
    for (let i = 0; i < 30 && ((await myRow.textContent()) ?? '').includes('Komplettering behövs'); i++) {
      await residentPage.waitForTimeout(500);
      await residentPage.reload();
    }
    expect(await myRow.locator('td').nth(2).textContent()).not.toBe('Komplettering behövs');
    expect(await myRow.locator('td').nth(3).textContent()).toBe('Kommunens tur');

    // The case worker sees the certificate with the errand, and decides.
    await page.goto(caseUrl);
    expect(await page.locator('#attachments').textContent()).toContain('läkarintyg.pdf');
    // ... and downloads it: the very bytes the resident sent.
    const attachmentUrl = new URL((await page.getByRole('link', { name: 'läkarintyg.pdf' }).getAttribute('href'))!, sundsvall()).toString();
    const staffCookie = async (context: BrowserContext) =>
      `kw_session=${(await context.cookies()).find((c) => c.name === 'kw_session')!.value}`;
    const download = await request(attachmentUrl, { headers: { cookie: await staffCookie(staff) } });
    expect([download.status, download.headers['content-type'], download.headers['x-content-type-options']]).toEqual([
      200,
      'application/pdf',
      'nosniff',
    ]);
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''l%C3%A4karintyg.pdf");
    expect(download.body.equals(certificate)).toBe(true);
    expect(await page.locator('main').textContent()).toContain('Bifogar du ett läkarintyg?Ja');
    // The thread with the resident: their message is there, and the case worker answers it.
    const thread = page.locator('section[aria-labelledby="resident-messages"]');
    expect(await thread.locator('li').allTextContents()).toEqual([expect.stringContaining('Jag skickar läkarintyget i dag.')]);
    await posting(page, () => page.getByRole('button', { name: 'Skicka till den sökande' }).click());
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual(['Skriv till den sökande: Fältet måste fyllas i']);
    await page.getByLabel('Skriv till den sökande').fill('Tack, vi har fått intyget och fattar beslut inom kort.');
    await posting(page, () => page.getByRole('button', { name: 'Skicka till den sökande' }).click());
    expect(await page.getByRole('status').textContent()).toBe('Meddelandet är skickat.');
    expect(await thread.locator('li').allTextContents()).toEqual([
      expect.stringContaining('Jag skickar läkarintyget i dag.'),
      expect.stringContaining('Tack, vi har fått intyget och fattar beslut inom kort.'),
    ]);
    await assertAccessible(page, 'workspace case with the thread');

    // The decision: an approval with reasons, legal basis and a validity period.
    await posting(page, () => page.getByRole('button', { name: 'Fatta beslut' }).click());
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Beslut: Fältet måste fyllas i',
      'Motivering: Fältet måste fyllas i',
    ]);
    await page.getByLabel('Bifall').check();
    await page.getByLabel('Motivering (på svenska)').fill('Funktionsnedsättningen är väsentlig och varaktig.');
    await page.getByLabel('Motivering (på engelska, frivilligt)').fill('The disability is substantial and lasting.');
    await page.getByLabel('Lagrum: SFS-nummer').fill('1998:1276');
    await page.getByLabel('Kapitel').fill('13');
    await page.getByLabel('Paragraf').fill('8');
    await page.getByLabel('Giltigt från').fill('2027-01-01');
    await page.getByLabel('Giltigt till och med').fill('2028-12-31');
    await posting(page, () => page.getByRole('button', { name: 'Fatta beslut' }).click());
    expect(await page.getByRole('status').textContent()).toBe('Beslutet är fattat.');
    expect(await page.locator('#case-status').textContent()).toBe('Beslut finns');
    const decision = await page.locator('section[aria-labelledby="decision"]').textContent();
    expect(decision).toContain('Bifall');
    expect(decision).toContain('Funktionsnedsättningen är väsentlig och varaktig.');
    expect(decision).toContain('SFS 1998:1276 13 kap. 8 §');
    expect(decision).toContain('1 jan. 2027 – 31 dec. 2028');
    // Decided: nothing more to do on it.
    expect(await page.getByRole('button', { name: 'Fatta beslut' }).count()).toBe(0);
    await assertAccessible(page, 'workspace decided case');
    await screenshot(page, 'web-workspace-decided');
    const documentLink = page.getByRole('link', { name: 'Beslutsdokument (PDF)' });
    const documentResponse = await request(new URL((await documentLink.getAttribute('href'))!, sundsvall()).toString(), {
      headers: { cookie: `kw_session=${(await staff.cookies()).find((c) => c.name === 'kw_session')!.value}` },
    });
    expect(documentResponse.status).toBe(200);
    expect(documentResponse.headers['content-type']).toBe('application/pdf');
    expect(documentResponse.body.subarray(0, 5).toString()).toBe('%PDF-');

    // The resident sees the decision with its reasons, validity and document in Mina sidor.
    await residentPage.goto(myCaseUrl);
    for (let i = 0; i < 30 && !((await residentPage.locator('main').textContent()) ?? '').includes('Bifall'); i++) {
      await residentPage.waitForTimeout(500);
      await residentPage.reload();
    }
    const decisions = residentPage.locator('section[aria-labelledby="decisions"]');
    // The case worker's message is in the resident's thread.
    expect(await residentPage.locator('section[aria-labelledby="messages"] li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Tack, vi har fått intyget och fattar beslut inom kort.')]),
    );
    expect(await decisions.textContent()).toContain('Funktionsnedsättningen är väsentlig och varaktig.');
    expect(await decisions.textContent()).toContain('2027-01-01 – 2028-12-31');
    await assertAccessible(residentPage, 'Mina sidor case decided');
    await screenshot(residentPage, 'web-my-case-decided');
    const residentDocument = await request(new URL((await decisions.locator('a').first().getAttribute('href'))!, sundsvall()).toString(), {
      headers: { cookie: `kw_session=${(await resident.cookies()).find((c) => c.name === 'kw_session')!.value}` },
    });
    expect(residentDocument.status).toBe(200);
    expect(residentDocument.body.subarray(0, 5).toString()).toBe('%PDF-');
    // ... and Mina sidor lists the notices its digital mailbox got: the receipt (the form's rule) and the decision.
    await residentPage.goto(`${sundsvall()}/my-pages`);
    const notices = residentPage.locator('section[aria-labelledby="notices"] li');
    const decisionNotice = `Det finns ett beslut i ditt ärende: ${errandNumber}`;
    for (let i = 0; i < 30 && !(await notices.allTextContents()).some((n) => n.endsWith(decisionNotice)); i++) {
      await residentPage.waitForTimeout(500);
      await residentPage.reload();
    }
    const mine = (await notices.allTextContents()).filter((n) => n.includes(errandNumber));
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.stringMatching(`: ${decisionNotice}$`),
        expect.stringMatching(`: Vi har tagit emot ditt ärende: ${errandNumber}$`),
      ]),
    );
    await assertAccessible(residentPage, 'Mina sidor with notices');
    await screenshot(residentPage, 'web-my-pages-notices');

    // Another unit of the same municipality: not in its inbox, and the case's address is not found.
    const school = await newContext();
    const schoolPage = await school.newPage();
    await schoolPage.goto(`${sundsvall()}/workspace`);
    await logIn(schoolPage, 'sundsvall-skola');
    await schoolPage.waitForURL(`${sundsvall()}/workspace`);
    expect(await schoolPage.locator('h1').textContent()).toBe('Inkorg – skola');
    expect(await schoolPage.locator('main').textContent()).not.toContain(errandNumber);
    const response = await schoolPage.goto(caseUrl);
    expect(response?.status()).toBe(404);
    expect(await schoolPage.locator('main').textContent()).not.toContain(errandNumber);
    // Nor its file: the api answers another unit as if it did not exist.
    expect((await request(attachmentUrl, { headers: { cookie: await staffCookie(school) } })).status).toBe(404);
    await Promise.all([resident.close(), staff.close(), school.close()]);
  }, 240_000);

  it('saves a draft with its file as one goes and resumes it on another device, then submits it (decided by the rules at once)', async () => {
    const certificate = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const phone = await newContext({ width: 320, height: 800 });
    const page = await phone.newPage();
    await page.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    await logIn(page, 'medborgare-erik');
    await page.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    await page.locator('#root_roll-0').check();
    await page.getByLabel('Telefonnummer').fill('070-123 45 67');
    await page.locator('#root_harLakarintyg-0').check();
    await page.locator('#root_lakarintyg').setInputFiles({ name: 'intyg.pdf', mimeType: 'application/pdf', buffer: certificate });
    await posting(page, () => page.getByRole('button', { name: 'Spara och fortsätt senare' }).click());
    expect(page.url()).toMatch(/\?draft=[0-9a-f-]{36}&saved=1$/);
    expect(await page.getByRole('status').textContent()).toMatch(/^Utkastet är sparat\./);
    expect(await page.locator('[data-field="lakarintyg"]').textContent()).toContain('Bifogad fil: intyg.pdf');
    // At 320 px nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await assertAccessible(page, 'saved draft at 320 px');
    await screenshot(page, 'web-draft-320px');

    // Another device: the draft is in Mina sidor, with its answers and its file.
    const desktop = await newContext();
    const other = await desktop.newPage();
    await other.goto(`${sundsvall()}/my-pages`);
    await logIn(other, 'medborgare-erik');
    await other.waitForURL(`${sundsvall()}/my-pages`);
    await assertAccessible(other, 'Mina sidor with a draft');
    await other.getByRole('link', { name: 'Fortsätt: Ansök om parkeringstillstånd för rörelsehindrade' }).first().click();
    await other.waitForURL(/\?draft=/);
    expect(await other.getByLabel('Telefonnummer').inputValue()).toBe('070-123 45 67');
    expect(await other.locator('#root_harLakarintyg-0').isChecked()).toBe(true);
    expect(await other.locator('[data-field="lakarintyg"]').textContent()).toContain('Bifogad fil: intyg.pdf');
    await other.getByLabel('Beskriv din funktionsnedsättning').fill('Jag har en hjärtsjukdom och blir andfådd efter några steg.');
    await other.getByLabel('Hur länge beräknas funktionsnedsättningen vara (månader)?').fill('36');
    await other.getByLabel('Hur långt kan du gå utan att vila (meter)?').fill('30');
    await posting(other, () => other.getByRole('button', { name: 'Skicka in' }).click());
    expect(other.url()).toMatch(/\/receipts\//);
    // The certificate came with the draft: the rules grant it at once.
    expect(await other.locator('main').textContent()).toContain('intyg.pdf');
    expect(await other.locator('main dl').first().textContent()).toContain('Beslut finns');
    await Promise.all([phone.close(), desktop.close()]);
  }, 180_000);

  it('tells a resident who logged in with too weak an e-legitimation which level is needed, and lets them log in again', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const eidLogin = async (level: string) => {
      // The realm's link to its e-legitimation broker (Keycloak names it social-<alias>, as dev-idp does).
      await page.locator('#social-eid').click();
      await page.getByLabel('Personnummer eller samordningsnummer').selectOption('199001019802');
      await page.getByLabel('Tillitsnivå').selectOption(level);
      await page.getByRole('button', { name: 'Logga in med test-e-legitimation' }).click();
    };
    await page.goto(`${sundsvall()}/my-pages`);
    await eidLogin('loa2');
    await page.waitForURL(`${sundsvall()}/my-pages`);
    expect(await page.locator('h1').textContent()).toBe('Du behöver logga in med en säkrare e-legitimation');
    expect(await page.locator('main').textContent()).toContain('Kommunen kräver e-legitimation med tillitsnivå 3');
    expect(await page.locator('main').textContent()).toContain('Du loggade in med tillitsnivå 2.');
    expect(await page.locator('tbody').count()).toBe(0);
    await assertAccessible(page, 'insufficient assurance');
    await screenshot(page, 'web-insufficient-assurance');
    // Logging in again: the realm asks anew (no single sign-on at the weak level), then Mina sidor opens.
    await page.getByRole('button', { name: 'Logga in igen' }).click();
    await page.waitForURL((url) => url.toString().startsWith(platform.idp.realmUrl));
    expect(await page.getByLabel('Användarnamn').isVisible()).toBe(true);
    // dev-idp's test eID keeps a single sign-on of its own (a real eID such as BankID asks every time): forget it.
    await context.clearCookies({ path: '/realms/eid/' });
    await eidLogin('loa3');
    await page.waitForURL(`${sundsvall()}/my-pages`);
    expect(await page.locator('h1').textContent()).toBe('Mina sidor');
    // The GDPR export of what Mina sidor holds about her: her cases, as JSON.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Hämta alla uppgifter Mina sidor har om dig (JSON)' }).click(),
    ]);
    const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain('Ansök om parkeringstillstånd för rörelsehindrade');
    await context.close();
  }, 120_000);

  it("lets a representative act for a company in Mina sidor: 'Agera för företag' lists what Mina ombud confirms and shows the company's cases", async () => {
    // Sundsvall's case system registers a case about Demobolaget AB (its service account, client credentials at the realm).
    const token = await fetch(`${platform.idp.realmUrl}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'sundsvall-system',
        client_secret: 'sundsvall-system-secret',
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const created = await fetch(platform.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}`, 'x-kommuna-tenant': 'sundsvall' },
      body: JSON.stringify({
        query: 'mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }',
        variables: {
          input: {
            source: 'procapita',
            externalCaseId: 'web-sbn-2026-0042',
            errandNumber: 'SBN-2026-0042',
            caseType: 'serveringstillstand',
            unit: 'tillstand',
            title: { sv: 'Serveringstillstånd', en: 'Alcohol licence' },
            subject: { organisationsnummer: '556016-0680' },
          },
        },
      }),
    }).then((r) => r.json() as Promise<{ errors?: unknown }>);
    expect(created.errors).toBeUndefined();

    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${sundsvall()}/my-pages`);
    await logIn(page, 'foretag-lena');
    await page.waitForURL(`${sundsvall()}/my-pages`);
    const companySwitch = page.getByRole('navigation', { name: 'Agera för företag' });
    expect(await companySwitch.locator('li').allTextContents()).toEqual([
      'Mig själv (Lena Lind (företagsföreträdare))',
      'Demobolaget AB (556016-0680), Sundsvalls kommun',
    ]);
    // Her own Mina sidor does not hold the company's case.
    expect(await page.locator('main').textContent()).not.toContain('SBN-2026-0042');
    await assertAccessible(page, 'Mina sidor with company mode');

    await posting(page, () => companySwitch.getByRole('link', { name: /Demobolaget AB/ }).click());
    expect(await page.locator('h1').textContent()).toBe('Mina sidor – Demobolaget AB');
    expect(await page.locator('#acting-as').textContent()).toContain('Du agerar för Demobolaget AB (556016-0680)');
    const row = page.locator('tbody tr', { hasText: 'SBN-2026-0042' });
    expect(await row.locator('td').nth(0).textContent()).toBe('ServeringstillståndSBN-2026-0042');
    expect(await companySwitch.locator('[aria-current="page"]').textContent()).toContain('Demobolaget AB');
    await assertAccessible(page, 'Mina sidor acting for a company');
    await screenshot(page, 'web-my-pages-company');

    // The company's case opens in company mode, and a message goes to the municipality for the company.
    await posting(page, () => row.getByRole('link').click());
    expect(await page.locator('h1').textContent()).toBe('Serveringstillstånd');
    await page.getByLabel('Skriv ett meddelande till kommunen').fill('Vi har skickat in ritningen över serveringsytan.');
    await posting(page, () => page.getByRole('button', { name: 'Skicka meddelandet' }).click());
    expect(await page.getByRole('status').textContent()).toBe('Meddelandet är skickat.');
    expect(new URL(page.url()).searchParams.get('as')).toBe('556016-0680');
    await assertAccessible(page, 'company case');

    // An organisation Mina ombud does not confirm for her is refused, and a resident without a company sees no switch.
    expect((await page.goto(`${sundsvall()}/my-pages?as=5560000001`))?.status()).toBe(403);
    const anna = await newContext();
    const annaPage = await anna.newPage();
    await annaPage.goto(`${sundsvall()}/my-pages`);
    await logIn(annaPage, 'medborgare-anna');
    await annaPage.waitForURL(`${sundsvall()}/my-pages`);
    expect(await annaPage.getByRole('navigation', { name: 'Agera för företag' }).count()).toBe(0);
    await Promise.all([context.close(), anna.close()]);
  }, 120_000);

  it('reflows at 200 % zoom: on a 1280 px screen (640 CSS px at device scale 2) no main page scrolls sideways', async () => {
    // 200 % zoom on a 1280 px wide window lays pages out in 640 CSS px; WCAG 1.4.4 and 1.4.10 (tables may scroll in their own region).
    const zoomed = () =>
      platform.browser.newContext({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2, bypassCSP: true, locale: 'sv-SE' });
    const overflow = (page: Page) =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        // What sticks out to the right, outside a region that scrolls on its own (.table-wrap).
        const outside = [...document.querySelectorAll('body *')]
          .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > width + 1)
          .map(
            (e) =>
              `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''}`,
          );
        return { scrollWidth: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5) };
      });
    const expectReflows = async (page: Page, what: string) => {
      const { scrollWidth, width, outside } = await overflow(page);
      expect({ page: what, sideways: scrollWidth > width, outside }).toEqual({ page: what, sideways: false, outside: [] });
    };

    const resident = await zoomed();
    const page = await resident.newPage();
    await page.goto(`${sundsvall()}/e-services`);
    await expectReflows(page, 'e-services');
    await page.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    await logIn(page, 'medborgare-anna');
    await page.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    await expectReflows(page, 'the parking-permit form');
    const errandNumber = await submitParkingPermit(page, 'Jag kan bara gå korta sträckor med rollator.');
    await expectReflows(page, 'the receipt');
    await page.goto(`${sundsvall()}/my-pages`);
    // The case reaches Mina sidor through the api's event flow: a moment after the receipt.
    const myRow = page.locator('tbody tr', { hasText: errandNumber });
    for (let i = 0; i < 30 && (await myRow.count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    await expectReflows(page, 'Mina sidor');
    await myRow.getByRole('link').click();
    await page.waitForURL(/\/my-pages\/cases\//);
    await expectReflows(page, 'Mina sidor case');
    await screenshot(page, 'web-zoom-200-my-case');

    const staff = await zoomed();
    const staffPage = await staff.newPage();
    await staffPage.goto(`${sundsvall()}/workspace`);
    await logIn(staffPage, 'sundsvall-socialtjanst');
    await staffPage.waitForURL(`${sundsvall()}/workspace`);
    await expectReflows(staffPage, 'workspace inbox');
    await staffPage.goto(`${sundsvall()}/workspace?status=manual_handling`);
    await staffPage.getByRole('link', { name: errandNumber }).click();
    await staffPage.waitForURL(/\/workspace\/submissions\//);
    await expectReflows(staffPage, 'workspace case');
    await screenshot(staffPage, 'web-zoom-200-workspace-case');
    await Promise.all([resident.close(), staff.close()]);
  }, 120_000);

  it('refuses a post without the session token or from another origin, and an unknown host', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${sundsvall()}/my-pages`);
    await page.getByLabel('Användarnamn').fill('medborgare-erik');
    await page.getByLabel('Lösenord').fill('kommuna-demo');
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    await page.waitForURL(`${sundsvall()}/my-pages`);
    const form = {
      root_roll: 'forare',
      root_telefon: '060-123456',
      root_funktionsnedsattning: 'Förfalskad ansökan här.',
      root_varaktighetManader: '12',
      root_gangstrackaMeter: '10',
      root_harLakarintyg: 'false',
      idempotencyKey: 'forged-1234',
    };
    const session = (await context.cookies()).find((c) => c.name === 'kw_session')!;
    const post = (data: Record<string, string>, headers: Record<string, string> = {}) =>
      request(`${sundsvall()}/e-services/parkeringstillstand`, {
        method: 'POST',
        form: data,
        headers: { cookie: `kw_session=${session.value}`, ...headers },
      });
    expect((await post(form)).status).toBe(403);
    expect((await post({ ...form, csrf: 'guess' })).status).toBe(403);
    const token = await page.locator('input[name="csrf"]').first().inputValue();
    expect((await post({ ...form, csrf: token }, { origin: 'http://evil.localhost' })).status).toBe(403);
    // With the token and from its own origin the same post goes through (to the receipt).
    const accepted = await post({ ...form, csrf: token }, { origin: sundsvall() });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toMatch(/^\/receipts\//);
    // A session made at Sundsvall is no session at Timrå: Timrå's page goes through the realm
    // (which, already logged in, sends the browser straight back with a login for Timrå).
    const realmVisits: string[] = [];
    page.on('request', (sent) => sent.url().startsWith(platform.idp.realmUrl) && realmVisits.push(sent.url()));
    await page.goto(`${timra()}/my-pages`);
    expect(realmVisits.some((url) => url.includes('/protocol/openid-connect/auth'))).toBe(true);
    expect(page.url()).toBe(`${timra()}/my-pages`);
    expect(await page.locator('header .brand').textContent()).toBe('Timrå kommun');
    expect((await request(`http://gotham.localhost:${platform.webPort}/e-services`)).status).toBe(404);
    await context.close();
  }, 120_000);
});
