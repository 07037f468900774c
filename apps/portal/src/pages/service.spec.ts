import type { CatalogueService, HypothesisBenefit, ServiceView } from '../data';
import { formatTimeSaved } from '../i18n';
import { servicePage } from './service';

const hypothesis = (id: string, metric: string, low: number, high: number, unit: string): HypothesisBenefit['hypothesis'] => ({
  id,
  metric,
  name: { sv: `Nytta ${id}`, en: `Benefit ${id}` },
  low,
  high,
  unit,
  sekPerHour: unit === 'SEK' ? null : 520,
  source: 'Medlemskommunernas underlag',
  basis: 'members_estimate',
  confidence: 'medium',
});

/** A benefit with one month of use, valued the way the api does (hours to two decimals). */
const benefit = (h: HypothesisBenefit['hypothesis'], usage: number): HypothesisBenefit => {
  const perHour = h.unit === 'minutes' ? 1 / 60 : h.unit === 'hours' ? 1 : null;
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const hours = (v: number) => (perHour === null ? null : round2(usage * v * perHour));
  const sek = (v: number) => round2(perHour === null ? usage * v : usage * v * perHour * h.sekPerHour!);
  const month = {
    month: '2026-12-01',
    usage,
    estimatedLowSek: sek(h.low),
    estimatedHighSek: sek(h.high),
    estimatedLowHours: hours(h.low),
    estimatedHighHours: hours(h.high),
    followedUpSek: null,
  };
  const empty = { ...month, month: '2026-11-01', usage: 0, estimatedLowSek: 0, estimatedHighSek: 0 };
  if (perHour !== null) Object.assign(empty, { estimatedLowHours: 0, estimatedHighHours: 0 });
  return {
    hypothesis: h,
    months: [empty, month],
    totalUsage: usage,
    totalEstimatedLowSek: month.estimatedLowSek,
    totalEstimatedHighSek: month.estimatedHighSek,
    totalEstimatedLowHours: month.estimatedLowHours,
    totalEstimatedHighHours: month.estimatedHighHours,
    totalFollowedUpSek: null,
  };
};

const service: CatalogueService = {
  id: 'ai',
  name: { sv: 'AI-plattform', en: 'AI platform' },
  shortDescription: { sv: 'AI', en: 'AI' },
  longDescription: { sv: 'AI', en: 'AI' },
  features: { sv: [], en: [] },
  domain: { id: 'invanarservice', name: { sv: 'Invånarservice', en: 'Citizen services' } },
  ownerTeam: 'Plattformsteamet',
  ownerEmail: 'plattform@kommuna.se',
  url: 'https://example.org',
  license: 'EUPL-1.2',
  status: 'development',
  declaredStatus: 'development',
  stableMinProduction: 2,
  version: '0.1.0',
  packageName: '@kommuna/ai',
  changelog: [],
  maintenance: { type: 'internal', contractor: null, until: null },
  dependencies: [],
  hypotheses: [],
  cost: { budgets: [], allocationKey: 'equal', usageMetric: null },
  adoption: [
    {
      slug: 'sundsvall',
      names: { sv: 'Sundsvalls kommun', en: 'Sundsvall' },
      stage: 'piloting',
      pilotingFrom: '2026-12-01',
      productionFrom: null,
      leftOn: null,
    },
  ],
  metrics: [
    { id: 'call_notes_approved', name: { sv: 'Godkända samtalsanteckningar', en: 'Approved call notes' } },
    { id: 'case_summaries_approved', name: { sv: 'Godkända sammanfattningar', en: 'Approved summaries' } },
    { id: 'letters', name: { sv: 'Brev', en: 'Letters' } },
  ],
  latestDecision: null,
};

const view = (benefits: HypothesisBenefit[]): ServiceView => ({
  me: { subject: 'styrgrupp', roles: ['steering_group'] },
  catalogueDemo: false,
  catalogueService: { ...service, hypotheses: benefits.map((b) => b.hypothesis) },
  catalogueCosts: [{ budgetSek: null, allocationKey: 'equal', appliedKey: 'equal', closed: null, shares: [] }],
  catalogueBenefits: benefits,
  catalogueFollowUps: [],
  catalogueDecisions: [],
});

/** The page as text, tags dropped and spaces collapsed, as a reader (or a screen reader) gets it. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|\u00a0|\u202f/g, ' ')
    .replace(/\s+/g, ' ');

/** One benefit card's text (its section, from its heading to its end). */
const card = (page: string, name: string) => {
  const found = page.split('<section class="card" aria-labelledby="h-').find((section) => section.includes(`>${name}</h3>`));
  expect(found).toBeDefined();
  return text(found!.slice(0, found!.indexOf('</section>')));
};

describe('service page: time saved', () => {
  // The walk of docs/ai.md: five approved call notes (20–25 minutes each) and five approved case
  // summaries (2 hours each) in December; a benefit in kronor has no time.
  const benefits = [
    benefit(hypothesis('call-documentation-time', 'call_notes_approved', 20, 25, 'minutes'), 5),
    benefit(hypothesis('case-summary-time', 'case_summaries_approved', 2, 2, 'hours'), 5),
    benefit(hypothesis('postage', 'letters', 9, 13, 'SEK'), 100),
  ];
  const render = (lang: 'sv' | 'en') => servicePage(lang, view(benefits), 2026, [2026], 'csrf', { today: '2026-12-07' }).body.value;

  it('shows the minutes saved by call notes and the hours saved by summaries beside the kronor, in Swedish and English', () => {
    const sv = render('sv');
    const calls = card(sv, 'Nytta call-documentation-time');
    expect(calls).toContain('867 kr – 1 083 kr');
    expect(calls).toContain('Tid som sparats: 100–125 minuter (1,7–2,1 timmar) (5 × 20–25 minuter)');
    const summaries = card(sv, 'Nytta case-summary-time');
    expect(summaries).toContain('5 200 kr');
    expect(summaries).toContain('Tid som sparats: 10 timmar (5 × 2 timmar)');

    const en = render('en');
    expect(card(en, 'Benefit call-documentation-time')).toContain('Time saved: 100–125 minutes (1.7–2.1 hours) (5 × 20–25 minutes)');
    expect(card(en, 'Benefit case-summary-time')).toContain('Time saved: 10 hours (5 × 2 hours)');
  });

  it("puts the time saved in each month's row of the figures, and none for a benefit in kronor", () => {
    const sv = render('sv');
    const calls = card(sv, 'Nytta call-documentation-time');
    expect(calls).toMatch(/Tid som sparats Uppföljd nytta/);
    expect(calls).toMatch(/dec\.? 2026 5 867 kr 1 083 kr 100–125 minuter \(1,7–2,1 timmar\) –/);
    expect(calls).toMatch(/nov\.? 2026 0 0 kr 0 kr 0 minuter –/);
    const postage = card(sv, 'Nytta postage');
    expect(postage).toContain('900 kr – 1 300 kr');
    expect(postage).not.toContain('Tid som sparats');
    expect(postage).not.toMatch(/minuter|timmar \(/);
  });

  it('rounds minutes to whole ones and gives hours beside them from an hour up', () => {
    expect(formatTimeSaved(0.67, 1, 'minutes', 'sv')).toBe('40–60 minuter (0,7–1 timmar)');
    expect(formatTimeSaved(0.33, 0.42, 'minutes', 'en')).toBe('20–25 minutes');
    expect(formatTimeSaved(1.5, 1.5, 'hours', 'en')).toBe('1.5 hours');
    expect(formatTimeSaved(1911.33, 2867, 'minutes', 'sv')).toBe('1 911–2 867 timmar');
  });
});
