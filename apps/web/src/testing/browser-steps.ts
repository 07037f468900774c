import type { Page } from 'playwright-core';

// What a person does on the web's pages, as the browser tests take the steps.

/** Does what posts a form, then waits for the page the post answered with. */
export async function posting(page: Page, action: () => Promise<void>): Promise<void> {
  // The answer is a new document: its load event, not the current one's state.
  await Promise.all([page.waitForEvent('load'), action()]);
}

/** Logs in at dev-idp's login page with a demo account (every demo account's password is kommuna-demo). */
export async function logIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill('kommuna-demo');
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
}

/** The parking permit filled in by mouse (the keyboard walk is its own test), left for the case worker (no certificate); its errand number. */
export async function submitParkingPermit(page: Page, disability: string): Promise<string> {
  await page.locator('#root_roll-0').check();
  await page.getByLabel('Telefonnummer').fill('060-12 34 56');
  await page.getByLabel('Beskriv din funktionsnedsättning').fill(disability);
  await page.getByLabel('Hur länge beräknas funktionsnedsättningen vara (månader)?').fill('24');
  await page.getByLabel('Hur långt kan du gå utan att vila (meter)?').fill('50');
  await page.locator('#root_harLakarintyg-1').check();
  await posting(page, () => page.getByRole('button', { name: 'Skicka in' }).click());
  expect(page.url()).toMatch(/\/receipts\//);
  return (await page.locator('#errand-number').textContent()) ?? '';
}
