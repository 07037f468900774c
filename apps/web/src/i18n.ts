export type Lang = 'sv' | 'en';
export const LANGS: readonly Lang[] = ['sv', 'en'];

const TEXTS = {
  skip: { sv: 'Till huvudinnehållet', en: 'Skip to main content' },
  nav: { sv: 'Huvudmeny', en: 'Main menu' },
  eServices: { sv: 'E-tjänster', en: 'E-services' },
  myPages: { sv: 'Mina sidor', en: 'My pages' },
  switchTo: { sv: 'In English', en: 'På svenska' },
  login: { sv: 'Logga in', en: 'Log in' },
  logout: { sv: 'Logga ut', en: 'Log out' },
  loggedInAs: { sv: 'Inloggad som', en: 'Logged in as' },
  loggedOut: { sv: 'Du är utloggad', en: 'You are logged out' },
  loggedOutText: { sv: 'Stäng webbläsaren om du använder en delad dator.', en: 'Close the browser if you are on a shared computer.' },
  chooseMunicipality: { sv: 'Välj kommun', en: 'Choose a municipality' },
  chooseMunicipalityText: {
    sv: 'Kommunernas e-tjänster och Mina sidor. Välj din kommun.',
    en: "The municipalities' e-services and My pages. Choose your municipality.",
  },
  servicesLead: {
    sv: 'Här kan du göra ditt ärende själv, när det passar dig.',
    en: 'Here you can do your errand yourself, when it suits you.',
  },
  search: { sv: 'Sök bland e-tjänsterna', en: 'Search the e-services' },
  searchButton: { sv: 'Sök', en: 'Search' },
  noForms: { sv: 'Inga e-tjänster matchar din sökning.', en: 'No e-services match your search.' },
  formsFound: { sv: 'e-tjänster', en: 'e-services' },
  needsLogin: { sv: 'Kräver inloggning med e-legitimation', en: 'Requires logging in with e-ID' },
  submit: { sv: 'Skicka in', en: 'Submit' },
  errorSummary: { sv: 'Det finns fel i formuläret', en: 'There is a problem with the form' },
  errorSummaryText: { sv: 'Rätta följande och skicka in igen:', en: 'Correct the following and submit again:' },
  errorPrefix: { sv: 'Fel:', en: 'Error:' },
  attachmentLater: {
    sv: 'Bifoga filen i Mina sidor när ärendet är inskickat.',
    en: 'Attach the file in My pages once the errand is submitted.',
  },
  yes: { sv: 'Ja', en: 'Yes' },
  no: { sv: 'Nej', en: 'No' },
  receiptTitle: { sv: 'Tack, vi har tagit emot ditt ärende', en: 'Thank you, we have received your errand' },
  errandNumber: { sv: 'Ärendenummer', en: 'Errand number' },
  submittedAt: { sv: 'Inskickat', en: 'Submitted' },
  status: { sv: 'Status', en: 'Status' },
  yourAnswers: { sv: 'Dina svar', en: 'Your answers' },
  receiptPdf: { sv: 'Ladda ner kvittensen (PDF)', en: 'Download the receipt (PDF)' },
  decision: { sv: 'Beslut', en: 'Decision' },
  decisions: { sv: 'Beslut', en: 'Decisions' },
  approved: { sv: 'Bifall', en: 'Approved' },
  rejected: { sv: 'Avslag', en: 'Rejected' },
  automated: { sv: 'Automatiskt beslut', en: 'Automated decision' },
  legalBasis: { sv: 'Lagrum', en: 'Legal basis' },
  validity: { sv: 'Giltigt', en: 'Valid' },
  appeal: { sv: 'Så överklagar du', en: 'How to appeal' },
  seeMyPages: { sv: 'Följ ärendet i Mina sidor', en: 'Follow the errand in My pages' },
  myCasesLead: { sv: 'Dina ärenden hos alla kommuner i Kommuna.', en: 'Your errands with every municipality in Kommuna.' },
  noCases: { sv: 'Du har inga ärenden än.', en: 'You have no errands yet.' },
  municipality: { sv: 'Kommun', en: 'Municipality' },
  errand: { sv: 'Ärende', en: 'Errand' },
  whoseTurn: { sv: 'Vems tur', en: 'Whose turn' },
  updated: { sv: 'Senast ändrat', en: 'Last changed' },
  turnCitizen: { sv: 'Din tur', en: 'Your turn' },
  turnMunicipality: { sv: 'Kommunens tur', en: "The municipality's turn" },
  turnNone: { sv: 'Ingen åtgärd', en: 'Nothing to do' },
  unread: { sv: 'olästa meddelanden', en: 'unread messages' },
  messages: { sv: 'Meddelanden', en: 'Messages' },
  fromMunicipality: { sv: 'Från kommunen', en: 'From the municipality' },
  fromYou: { sv: 'Från dig', en: 'From you' },
  history: { sv: 'Händelser', en: 'History' },
  documents: { sv: 'Beslutsdokument', en: 'Decision documents' },
  backToMyPages: { sv: 'Tillbaka till Mina sidor', en: 'Back to My pages' },
  notFoundTitle: { sv: 'Sidan finns inte', en: 'Page not found' },
  notFoundText: { sv: 'Kontrollera adressen eller gå till startsidan.', en: 'Check the address or go to the start page.' },
  forbiddenTitle: { sv: 'Ingen behörighet', en: 'Not allowed' },
  errorTitle: { sv: 'Något gick fel', en: 'Something went wrong' },
  errorText: { sv: 'Försök igen om en stund.', en: 'Please try again in a while.' },
  loginFailed: { sv: 'Inloggningen misslyckades', en: 'The login failed' },
  loginFailedText: { sv: 'Försök logga in igen.', en: 'Please try to log in again.' },
  contact: { sv: 'Kontakt', en: 'Contact' },
  workspace: { sv: 'Handläggning', en: 'Case work' },
  inbox: { sv: 'Inkorg', en: 'Inbox' },
  inboxLead: {
    sv: 'Ärenden från e-tjänster som din enhet handlägger. Andra enheters ärenden visas inte.',
    en: 'Errands from e-services your unit handles. Other units’ errands are not shown.',
  },
  unit: { sv: 'Enhet', en: 'Unit' },
  filterStatus: { sv: 'Visa status', en: 'Show status' },
  allStatuses: { sv: 'Alla', en: 'All' },
  filter: { sv: 'Filtrera', en: 'Filter' },
  noSubmissions: { sv: 'Inga ärenden att visa.', en: 'No errands to show.' },
  nextPage: { sv: 'Nästa sida', en: 'Next page' },
  firstPage: { sv: 'Första sidan', en: 'First page' },
  backToInbox: { sv: 'Tillbaka till inkorgen', en: 'Back to the inbox' },
  formVersion: { sv: 'Formulärversion', en: 'Form version' },
  answers: { sv: 'Svar', en: 'Answers' },
  attachments: { sv: 'Bilagor', en: 'Attachments' },
  noAttachments: { sv: 'Inga bilagor.', en: 'No attachments.' },
  completionRequested: { sv: 'Begärd komplettering', en: 'Completion requested' },
  requestCompletion: { sv: 'Begär komplettering', en: 'Request completion' },
  completionMessage: { sv: 'Vad behöver den sökande komplettera?', en: 'What does the applicant need to complete?' },
  inSwedish: { sv: 'på svenska', en: 'in Swedish' },
  inEnglish: { sv: 'på engelska, frivilligt', en: 'in English, optional' },
  englishFallback: {
    sv: 'Lämnas fältet tomt visas den svenska texten även på engelska.',
    en: 'If left empty, the Swedish text is shown in English too.',
  },
  decide: { sv: 'Fatta beslut', en: 'Decide' },
  outcome: { sv: 'Beslut', en: 'Outcome' },
  reason: { sv: 'Motivering', en: 'Reasons' },
  sfs: { sv: 'Lagrum: SFS-nummer', en: 'Legal basis: SFS number' },
  sfsHint: { sv: 'Till exempel 1998:1276', en: 'For example 1998:1276' },
  chapter: { sv: 'Kapitel', en: 'Chapter' },
  section: { sv: 'Paragraf', en: 'Section' },
  validFrom: { sv: 'Giltigt från', en: 'Valid from' },
  validTo: { sv: 'Giltigt till och med', en: 'Valid until' },
  validityHint: {
    sv: 'Endast vid bifall. Tomt från-datum: beslutsdagen. Tomt till-datum: tills vidare.',
    en: 'Approvals only. No start date: the day of the decision. No end date: until further notice.',
  },
  decisionDocument: { sv: 'Beslutsdokument (PDF)', en: 'Decision document (PDF)' },
  completionSent: { sv: 'Begäran om komplettering är skickad.', en: 'The completion request has been sent.' },
  decisionMade: { sv: 'Beslutet är fattat.', en: 'The decision has been made.' },
  required: { sv: 'Fältet måste fyllas i', en: 'This field is required' },
  notCaseWorker: {
    sv: 'Handläggning är för kommunens handläggare. Logga in med ditt tjänstekonto.',
    en: 'Case work is for the municipality’s case workers. Log in with your staff account.',
  },
  optional: { sv: 'frivilligt', en: 'optional' },
  applicant: { sv: 'Sökande', en: 'Applicant' },
  dateFormat: { sv: 'Skriv datumet som ÅÅÅÅ-MM-DD', en: 'Write the date as YYYY-MM-DD' },
  dateOrder: { sv: 'Slutdatumet kan inte vara före startdatumet', en: 'The end date cannot be before the start date' },
  decidedAt: { sv: 'Beslutsdatum', en: 'Decided on' },
  untilFurtherNotice: { sv: 'tills vidare', en: 'until further notice' },
} satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof TEXTS;

export const t = (lang: Lang, key: TextKey): string => TEXTS[key][lang];

const STATUS: Record<string, Record<Lang, string>> = {
  received: { sv: 'Mottaget', en: 'Received' },
  manual_handling: { sv: 'Handläggs', en: 'Being handled' },
  decided: { sv: 'Beslut finns', en: 'Decided' },
  completion_requested: { sv: 'Komplettering behövs', en: 'Completion needed' },
};

export const receiptStatus = (lang: Lang, status: string): string => STATUS[status]?.[lang] ?? status;

const OUTCOME: Record<string, Record<Lang, string>> = {
  APPROVAL: { sv: 'Bifall', en: 'Approved' },
  REJECTION: { sv: 'Avslag', en: 'Rejected' },
  DISMISSAL: { sv: 'Avvisat', en: 'Dismissed' },
  CANCELLATION: { sv: 'Avskrivet', en: 'Cancelled' },
  approve: { sv: 'Bifall', en: 'Approved' },
  reject: { sv: 'Avslag', en: 'Rejected' },
};

export const outcomeText = (lang: Lang, outcome: string): string => OUTCOME[outcome]?.[lang] ?? outcome;

/** Dates and times as a Swede (or an English reader) in Sweden reads them. */
export const dateTime = (lang: Lang, iso: string): string =>
  new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Stockholm',
  }).format(new Date(iso));

export const dateOnly = (lang: Lang, iso: string): string =>
  new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'medium', timeZone: 'Europe/Stockholm' }).format(new Date(iso));
