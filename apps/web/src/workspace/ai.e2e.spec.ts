import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { assertAccessible, REPO_ROOT, startWebPlatform, WebPlatform } from '@kommuna/platform-testing';
import { logIn, posting, submitParkingPermit } from '../testing/browser-steps';

// The case worker's AI pages in a real browser, against dev-idp, the national parties' simulator,
// the AI model simulator and the api, each its own process as `npm start` runs them (the api
// registers the AI simulator as every municipality's models, as on `npm start`). The walk of
// docs/ai.md: a resident's parking permit, its summary and a call note drafted, edited and
// approved; another unit reaches none of it.

const SAMPLE_CALL = path.join(REPO_ROOT, 'apps/ai-simulator/src/samples/samtal-parkeringstillstand.wav');

describe("the case worker's AI pages in a real browser", () => {
  let platform: WebPlatform;
  const sundsvall = () => `http://sundsvall.localhost:${platform.webPort}`;

  beforeAll(async () => {
    platform = await startWebPlatform({ slugs: ['sundsvall'], aiSimulator: true });
  }, 300_000);
  afterAll(() => platform?.stop(), 60_000);

  const newContext = (): Promise<BrowserContext> =>
    platform.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'sv-SE' });

  it('summarises the errand and documents a call as AI drafts the case worker edits and approves; another unit reaches neither', async () => {
    const resident = await (await newContext()).newPage();
    await resident.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    await logIn(resident, 'medborgare-anna');
    await resident.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    const errandNumber = (await submitParkingPermit(resident, 'Jag kan bara gå korta sträckor.')).trim();

    const page = await (await newContext()).newPage();
    await page.goto(`${sundsvall()}/workspace`);
    await logIn(page, 'sundsvall-socialtjanst');
    await page.waitForURL(`${sundsvall()}/workspace`);
    await page.getByRole('link', { name: errandNumber }).click();
    await page.waitForURL(/\/workspace\/submissions\//);
    const caseUrl = page.url();
    // The AI section comes with the errand's Mina sidor case (the api's events make it).
    for (let i = 0; i < 60 && (await page.locator('#ai-summarise').count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }

    // The summary: AI-generated, its model and where it runs, what each sentence rests on.
    await posting(page, () => page.locator('#ai-summarise').click());
    expect(page.url()).toMatch(/\/ai\/drafts\/[0-9a-f-]{36}$/);
    const summaryUrl = page.url();
    expect(await page.locator('#ai-text h2').textContent()).toBe('AI-genererad text');
    expect(await page.locator('#ai-disclosure').textContent()).toMatch(/^AI-genererat utkast/);
    expect(await page.locator('dl.facts dd').allTextContents()).toEqual(expect.arrayContaining(['demo-chat', 'SE', 'sekretess']));
    const rows = await page
      .locator('#ai-sentences tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toContainEqual(['Ansök om parkeringstillstånd för rörelsehindrade.', 'Rubrik']);
    await assertAccessible(page, 'AI summary draft');
    const aiText = await page.locator('#review-text').inputValue();
    await page.locator('#review-text').fill(`${aiText}\nLäkarintyg saknas.`);
    await posting(page, () => page.locator('#ai-approve').click());
    expect(await page.locator('#ai-review-done').textContent()).toBe('Utkastet är godkänt och en del av ärendet.');
    expect(await page.locator('#ai-edit-distance').textContent()).toBe('2');
    expect(await page.locator('#ai-final-text').textContent()).toBe(`${aiText}\nLäkarintyg saknas.`);
    expect(await page.locator('#review-text').count()).toBe(0);

    // The call: a file that is not a recording is refused on the page; the sample call becomes a note with times.
    await page.goto(`${caseUrl}/ai`);
    await page.locator('#recording').setInputFiles({ name: 'anteckning.txt', mimeType: 'text/plain', buffer: Buffer.from('inget ljud') });
    await posting(page, () => page.getByRole('button', { name: 'Transkribera till utkast' }).click());
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Inspelning av samtalet: Filen är ingen inspelning: välj en WAV-, MP3-, M4A-, Ogg- eller WebM-fil',
    ]);
    // A file larger than forms' attachments may be (760 kB) reaches the recording checks: the
    // recording route takes what the api takes.
    await page
      .locator('#recording')
      .setInputFiles({ name: 'stor.txt', mimeType: 'text/plain', buffer: Buffer.alloc(2 * 1024 * 1024, 'a') });
    await posting(page, () => page.getByRole('button', { name: 'Transkribera till utkast' }).click());
    expect(await page.getByRole('alert').locator('li').allTextContents()).toEqual([
      'Inspelning av samtalet: Filen är ingen inspelning: välj en WAV-, MP3-, M4A-, Ogg- eller WebM-fil',
    ]);
    await page.locator('#recording').setInputFiles(SAMPLE_CALL);
    await posting(page, () => page.getByRole('button', { name: 'Transkribera till utkast' }).click());
    const noteUrl = page.url();
    expect(noteUrl).toMatch(/\/ai\/drafts\/[0-9a-f-]{36}$/);
    const said = await page.locator('#ai-sentences tbody tr td:last-child').allTextContents();
    expect(said).toEqual(['0:00', '0:08', '0:15', '0:23']);
    expect(await page.locator('#review-text').inputValue()).toContain('Anna Andersson');
    await assertAccessible(page, 'AI call note draft');
    await posting(page, () => page.locator('#ai-approve').click());
    expect(await page.locator('#ai-review-done').textContent()).toBe('Utkastet är godkänt och en del av ärendet. Inspelningen är raderad.');
    expect(await page.locator('#ai-edit-distance').textContent()).toBe('0');
    await page.goto(`${caseUrl}/ai`);
    expect(await page.locator('#ai-drafts li').allTextContents()).toEqual([
      expect.stringMatching(/^Journalanteckning från samtal · Godkänd/),
      expect.stringMatching(/^Sammanfattning av ärendet · Godkänd/),
    ]);

    // Unit secrecy: the school unit's case worker finds neither the errand's AI page nor its drafts.
    const school = await (await newContext()).newPage();
    await school.goto(`${sundsvall()}/workspace`);
    await logIn(school, 'sundsvall-skola');
    await school.waitForURL(`${sundsvall()}/workspace`);
    for (const url of [`${caseUrl}/ai`, summaryUrl, noteUrl]) {
      const response = await school.goto(url);
      expect([url, response?.status()]).toEqual([url, 404]);
      expect(await school.locator('main').textContent()).not.toContain('AI-genererad');
    }
  }, 240_000);
});
