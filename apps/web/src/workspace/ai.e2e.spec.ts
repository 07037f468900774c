import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  DevIdpProcess,
  freePort,
  launchChromium,
  NodeProcess,
  REPO_ROOT,
  startApiProcess,
  startAppProcess,
  startDevIdpProcess,
  startNodeProcess,
} from '@kommuna/platform-testing';

// The case worker's AI pages in a real browser, against dev-idp, the national parties' simulator,
// the AI model simulator and the api, each its own process as `npm start` runs them (the api
// registers the AI simulator as every municipality's models, as on `npm start`). The walk of
// docs/ai.md: a resident's parking permit, its summary and a call note drafted, edited and
// approved; another unit reaches none of it.

const SAMPLE_CALL = path.join(REPO_ROOT, 'apps/ai-simulator/src/samples/samtal-parkeringstillstand.wav');

async function posting(page: Page, action: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), action()]);
}

async function logIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill('kommuna-demo');
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
}

describe("the case worker's AI pages in a real browser", () => {
  let idp: DevIdpProcess | undefined;
  let simulator: NodeProcess | undefined;
  let aiSimulator: NodeProcess | undefined;
  let api: NodeProcess | undefined;
  let web: NodeProcess | undefined;
  let browser: Browser | undefined;
  let webPort: number;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-web-ai-e2e-'));
  const sundsvall = () => `http://sundsvall.localhost:${webPort}`;

  beforeAll(async () => {
    try {
      webPort = await freePort();
      idp = await startDevIdpProcess({ env: { DEV_IDP_REDIRECT_URIS: `http://sundsvall.localhost:${webPort}/auth/callback` } });
      const idTokenKey = path.join(dataDir, 'mina-ombud-id-token-key.pem');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      fs.writeFileSync(idTokenKey, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
      simulator = await startNodeProcess({
        script: 'apps/digital-mail-simulator/src/main.ts',
        args: ['--port=0'],
        env: { MINA_OMBUD_ID_TOKEN_KEY_FILE: idTokenKey },
        readyText: /ready on (http:\/\/\S+)/,
      });
      aiSimulator = await startNodeProcess({
        script: 'apps/ai-simulator/src/main.ts',
        env: { AI_SIMULATOR_PORT: '0' },
        readyText: /ai-simulator ready on (http:\/\/\S+)/,
      });
      const [[, simulatorUrl], [, aiSimulatorUrl]] = await Promise.all([simulator.ready, aiSimulator.ready]);
      const started = await startApiProcess({
        dataDir,
        keycloakUrl: idp.url,
        env: { DIGITAL_MAIL_SIMULATOR_URL: simulatorUrl, MINA_OMBUD_ID_TOKEN_KEY_FILE: idTokenKey, AI_SIMULATOR_URL: aiSimulatorUrl },
      });
      api = started.process;
      web = await startAppProcess(
        'apps/web/src/main.ts',
        {
          NODE_ENV: 'development',
          SWC_NODE_PROJECT: path.join(REPO_ROOT, 'apps/web/tsconfig.json'),
          WEB_PORT: String(webPort),
          KEYCLOAK_URL: idp.url,
          API_URL: started.graphqlUrl,
          KOMMUNA_REDIS_URL: process.env.KOMMUNA_REDIS_URL ?? 'redis://127.0.0.1:6379',
          WEB_SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters',
        },
        'Kommuna web ready',
      );
      browser = await launchChromium();
    } catch (error) {
      await Promise.all([web?.stop(), api?.stop(), aiSimulator?.stop(), simulator?.stop(), idp?.stop(), browser?.close()]);
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await api?.stop();
    await aiSimulator?.stop();
    await simulator?.stop();
    await idp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const newContext = (): Promise<BrowserContext> =>
    browser!.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'sv-SE' });

  it('summarises the errand and documents a call as AI drafts the case worker edits and approves; another unit reaches neither', async () => {
    const resident = await (await newContext()).newPage();
    await resident.goto(`${sundsvall()}/e-services/parkeringstillstand`);
    await logIn(resident, 'medborgare-anna');
    await resident.waitForURL(`${sundsvall()}/e-services/parkeringstillstand`);
    await resident.locator('#root_roll-0').check();
    await resident.getByLabel('Telefonnummer').fill('060-12 34 56');
    await resident.getByLabel('Beskriv din funktionsnedsättning').fill('Jag kan bara gå korta sträckor.');
    await resident.getByLabel('Hur länge beräknas funktionsnedsättningen vara (månader)?').fill('24');
    await resident.getByLabel('Hur långt kan du gå utan att vila (meter)?').fill('50');
    await resident.locator('#root_harLakarintyg-1').check();
    await posting(resident, () => resident.getByRole('button', { name: 'Skicka in' }).click());
    const errandNumber = ((await resident.locator('#errand-number').textContent()) ?? '').trim();

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
