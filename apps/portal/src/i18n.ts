import { labelOf, Lang, localeOf } from '@kommuna/platform-page-server';

export type { Lang } from '@kommuna/platform-page-server';

const TEXTS = {
  appName: { sv: 'Kommuna – styrgruppens tjänstekatalog', en: 'Kommuna – steering group service catalogue' },
  skip: { sv: 'Hoppa till innehållet', en: 'Skip to content' },
  nav: { sv: 'Huvudmeny', en: 'Main menu' },
  catalogue: { sv: 'Tjänstekatalog', en: 'Service catalogue' },
  proposals: { sv: 'Förslag', en: 'Proposals' },
  municipalities: { sv: 'Kommuner', en: 'Municipalities' },
  switchTo: { sv: 'In English', en: 'På svenska' },
  loggedInAs: { sv: 'Inloggad som', en: 'Logged in as' },
  logout: { sv: 'Logga ut', en: 'Log out' },
  login: { sv: 'Logga in', en: 'Log in' },
  loggedOut: { sv: 'Du är utloggad', en: 'You are logged out' },
  loggedOutText: { sv: 'Din session i portalen är avslutad.', en: 'Your portal session has ended.' },
  service: { sv: 'Tjänst', en: 'Service' },
  domain: { sv: 'Verksamhetsområde', en: 'Domain' },
  status: { sv: 'Status', en: 'Status' },
  version: { sv: 'Version', en: 'Version' },
  adoption: { sv: 'Kommuner som använder tjänsten', en: 'Municipalities using the service' },
  adoptionShort: { sv: 'Införande', en: 'Adoption' },
  budget: { sv: 'Budget', en: 'Budget' },
  allocationKey: { sv: 'Fördelningsnyckel', en: 'Allocation key' },
  estimatedBenefit: { sv: 'Uppskattad nytta', en: 'Estimated benefit' },
  followedUpBenefit: { sv: 'Uppföljd nytta', en: 'Followed-up benefit' },
  last12: { sv: 'senaste 12 månaderna', en: 'last 12 months' },
  timeSaved: { sv: 'Tid som sparats', en: 'Time saved' },
  noBudget: { sv: 'Ingen budget beslutad', en: 'No budget decided' },
  monthsOfUse: { sv: 'Månader i bruk', en: 'Months in use' },
  demoBanner: {
    sv: 'Demodata: siffrorna på den här sidan är påhittade för att visa portalen (npm start) och säger ingenting om kommunerna.',
    en: 'Demo data: the figures on this page are made up to show the portal (npm start) and say nothing about the municipalities.',
  },
  year: { sv: 'År', en: 'Year' },
  show: { sv: 'Visa', en: 'Show' },
  adoptionMatrix: { sv: 'Införande per kommun och tjänst', en: 'Adoption by municipality and service' },
  municipality: { sv: 'Kommun', en: 'Municipality' },
  notUsed: { sv: 'Används inte', en: 'Not used' },
  exports: { sv: 'Underlag till styrgruppsmötet', en: 'Meeting pack' },
  exportCsv: { sv: 'Ladda ner CSV', en: 'Download CSV' },
  exportPdf: { sv: 'Ladda ner PDF', en: 'Download PDF' },
  owner: { sv: 'Ansvarigt team', en: 'Owning team' },
  maintenance: { sv: 'Förvaltning', en: 'Maintenance' },
  dependencies: { sv: 'Beroenden', en: 'Dependencies' },
  license: { sv: 'Licens', en: 'Licence' },
  declaredStatus: { sv: 'enligt service.yaml', en: 'per service.yaml' },
  features: { sv: 'Funktioner', en: 'Features' },
  costs: { sv: 'Kostnadsfördelning', en: 'Cost sharing' },
  basis: { sv: 'Underlag', en: 'Basis' },
  share: { sv: 'Andel', en: 'Share' },
  total: { sv: 'Summa', en: 'Total' },
  benefits: { sv: 'Nytta', en: 'Benefits' },
  hypothesis: { sv: 'Nyttohypotes', en: 'Benefit hypothesis' },
  perUnit: { sv: 'per', en: 'per' },
  source: { sv: 'Källa', en: 'Source' },
  confidence: { sv: 'Säkerhet', en: 'Confidence' },
  basisOf: { sv: 'Grund', en: 'Basis' },
  month: { sv: 'Månad', en: 'Month' },
  usage: { sv: 'Användning', en: 'Use' },
  // Counts of 1–4 in a month are not shown (minimum cell size, docs/catalogue.md).
  fewerThanFiveAMonth: { sv: 'färre än 5 per månad', en: 'fewer than 5 a month' },
  atLeast: { sv: 'minst', en: 'at least' },
  smallCountsNote: {
    sv: 'Antal under 5 för en kommun och månad visas inte och räknas inte med i någon summa, andel eller nytta.',
    en: 'Counts below 5 for a municipality and month are not shown and count towards no sum, share or benefit.',
  },
  low: { sv: 'lågt', en: 'low' },
  high: { sv: 'högt', en: 'high' },
  showFigures: { sv: 'Visa siffrorna i diagrammet', en: 'Show the figures in the chart' },
  changelog: { sv: 'Ändringslogg', en: 'Changelog' },
  noReleases: { sv: 'Inga releaser ännu (ingen CHANGELOG.md).', en: 'No releases yet (no CHANGELOG.md).' },
  decisions: { sv: 'Beslut om status', en: 'Status decisions' },
  noDecisions: { sv: 'Inga beslut registrerade.', en: 'No decisions recorded.' },
  decidedOn: { sv: 'Beslutsdatum', en: 'Decided on' },
  diaryNumber: { sv: 'Diarienummer', en: 'Diary number' },
  fromTo: { sv: 'Från → till', en: 'From → to' },
  recordedBy: { sv: 'Registrerat av', en: 'Recorded by' },
  recordDecision: { sv: 'Registrera beslut', en: 'Record decision' },
  newStatus: { sv: 'Ny status', en: 'New status' },
  followUps: { sv: 'Uppföljningar', en: 'Follow-ups' },
  noFollowUps: { sv: 'Inga uppföljningar registrerade.', en: 'No follow-ups recorded.' },
  recordFollowUp: { sv: 'Registrera uppföljning', en: 'Record follow-up' },
  periodStart: { sv: 'Period från', en: 'Period from' },
  periodEnd: { sv: 'Period till', en: 'Period to' },
  measuredValue: { sv: 'Uppmätt värde', en: 'Measured value' },
  measuredOn: { sv: 'Mätdatum', en: 'Measured on' },
  note: { sv: 'Kommentar (valfri)', en: 'Note (optional)' },
  save: { sv: 'Spara', en: 'Save' },
  saved: { sv: 'Sparat.', en: 'Saved.' },
  formErrors: { sv: 'Det gick inte att spara', en: 'Could not be saved' },
  promotionRefused: {
    sv: 'Beslutet kan inte registreras: underlaget räcker inte',
    en: 'The decision cannot be recorded: the evidence does not carry it',
  },
  publiccode: { sv: 'publiccode.yml', en: 'publiccode.yml' },
  population: { sv: 'Invånare', en: 'Inhabitants' },
  kommunkod: { sv: 'Kommunkod', en: 'Municipality code' },
  stage: { sv: 'Skede', en: 'Stage' },
  yourShare: { sv: 'Kommunens andel', en: "The municipality's share" },
  totalCost: { sv: 'Total kostnad', en: 'Total cost' },
  forbiddenTitle: { sv: 'Ingen behörighet', en: 'Not allowed' },
  forbiddenText: {
    sv: 'Portalen är för styrgruppen och plattformsadministratörer. Ditt konto har inte den rollen.',
    en: 'The portal is for the steering group and platform administrators. Your account does not have that role.',
  },
  notFoundTitle: { sv: 'Sidan finns inte', en: 'Page not found' },
  errorTitle: { sv: 'Något gick fel', en: 'Something went wrong' },
  errorText: { sv: 'Försök igen om en stund.', en: 'Please try again in a moment.' },
  estimatedRange: { sv: 'Uppskattad nytta (lågt–högt)', en: 'Estimated benefit (low–high)' },
  chartOf: { sv: 'Diagram: uppskattad och uppföljd nytta per månad för', en: 'Chart: estimated and followed-up benefit per month for' },
  metric: { sv: 'Mått', en: 'Metric' },
  readOnly: {
    sv: 'Du kan läsa men inte registrera (endast styrgruppen registrerar).',
    en: 'You can read but not record (only the steering group records).',
  },
} as const;

export type TextKey = keyof typeof TEXTS;
export const t = (lang: Lang, key: TextKey): string => TEXTS[key][lang];

const STATUS = {
  concept: { sv: 'Koncept', en: 'Concept' },
  development: { sv: 'Under utveckling', en: 'In development' },
  beta: { sv: 'Beta', en: 'Beta' },
  stable: { sv: 'Stabil', en: 'Stable' },
  obsolete: { sv: 'Avvecklad', en: 'Obsolete' },
} as const;
const STAGE = {
  planned: { sv: 'Planerad', en: 'Planned' },
  piloting: { sv: 'Pilot', en: 'Piloting' },
  production: { sv: 'I produktion', en: 'In production' },
  leaving: { sv: 'På väg ut', en: 'Leaving' },
} as const;
const KEY = {
  equal: { sv: 'Lika delar', en: 'Equal shares' },
  per_capita: { sv: 'Per invånare', en: 'Per capita' },
  per_use: { sv: 'Per användning', en: 'Per use' },
} as const;
const UNIT = {
  minutes: { sv: 'minuter', en: 'minutes' },
  hours: { sv: 'timmar', en: 'hours' },
  SEK: { sv: 'kronor', en: 'SEK' },
} as const;
const CONFIDENCE = { low: { sv: 'låg', en: 'low' }, medium: { sv: 'medel', en: 'medium' }, high: { sv: 'hög', en: 'high' } } as const;

export const statusLabel = (value: string, lang: Lang) => labelOf(STATUS, value, lang);
export const stageLabel = (value: string, lang: Lang) => labelOf(STAGE, value, lang);
export const keyLabel = (value: string, lang: Lang) => labelOf(KEY, value, lang);
export const unitLabel = (value: string, lang: Lang) => labelOf(UNIT, value, lang);
export const confidenceLabel = (value: string, lang: Lang) => labelOf(CONFIDENCE, value, lang);
const BASIS = {
  measured: { sv: 'mätt', en: 'measured' },
  members_estimate: { sv: 'medlemmarnas uppskattning, ej uppföljd', en: "the members' estimate, not yet followed up" },
  assumption: { sv: 'antagande', en: 'assumption' },
} as const;
export const basisLabel = (value: string, lang: Lang) => labelOf(BASIS, value, lang);
export const STATUSES = Object.keys(STATUS);

export const formatNumber = (value: number, lang: Lang, digits = 0) =>
  new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
export const formatSek = (value: number, lang: Lang) =>
  lang === 'sv' ? `${formatNumber(Math.round(value), lang)} kr` : `SEK ${formatNumber(Math.round(value), lang)}`;
/**
 * Time saved, low–high, in the hypothesis's own unit: minutes (whole, with hours beside them from
 * an hour up) or hours. The api gives hours to two decimals, so minutes are rounded to whole ones.
 */
export function formatTimeSaved(low: number, high: number, unit: string, lang: Lang): string {
  const range = (a: string, b: string) => (a === b ? a : `${a}–${b}`);
  // From 100 hours on, whole hours read better than a five-digit count of minutes.
  const large = high >= 100;
  const digits = large ? 0 : 1;
  const hours = `${range(formatNumber(low, lang, digits), formatNumber(high, lang, digits))} ${labelOf(UNIT, 'hours', lang)}`;
  if (unit !== 'minutes' || large) return hours;
  const minutes = `${range(formatNumber(Math.round(low * 60), lang), formatNumber(Math.round(high * 60), lang))} ${labelOf(UNIT, 'minutes', lang)}`;
  return high >= 1 ? `${minutes} (${hours})` : minutes;
}
export const formatMonth = (month: string, lang: Lang) =>
  new Intl.DateTimeFormat(localeOf(lang), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month.slice(0, 7)}-01T00:00:00Z`),
  );
