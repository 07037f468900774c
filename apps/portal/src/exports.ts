import { AccessiblePdf } from '@kommuna/shared-accessible-pdf';
import { stockholmDay } from '@kommuna/shared-identifiers';
import type { MeetingPackData } from './data';
import { formatMonth, formatSek, keyLabel, Lang, stageLabel, statusLabel } from './i18n';

/** One line of the meeting pack: a service at a municipality that uses it. */
export interface MeetingPackLine {
  serviceId: string;
  service: string;
  status: string;
  version: string;
  municipality: string;
  stage: string;
  allocationKey: string;
  /** null: no budget decided for the year. */
  budgetSek: number | null;
  shareSek: number;
  estimatedLowSek: number;
  estimatedHighSek: number;
  usage: Array<{ metric: string; count: number }>;
}

/** A service's figures for the year, all members together: what the steering group weighs. */
export interface MeetingPackService {
  serviceId: string;
  service: string;
  /** The members' shares together (the year's budget, as allocated). */
  costSek: number;
  estimatedLowSek: number;
  estimatedHighSek: number;
  /** Estimated benefit less cost, low and high. */
  netLowSek: number;
  netHighSek: number;
  /** Estimated benefit per krona of cost, low and high; null without a cost. */
  returnLow: number | null;
  returnHigh: number | null;
  /** What the follow-ups measured, per hypothesis (null: not followed up in the year). */
  hypotheses: Array<{ name: string; basis: string; estimatedLowSek: number; estimatedHighSek: number; followedUpSek: number | null }>;
}

export interface MeetingPack {
  year: number;
  /** Demo figures (npm start): the CSV and the PDF say so before anything else. */
  demo: boolean;
  /** The decision that closed the year, when one did. */
  closed: { decidedOn: string; diaryNumber: string } | null;
  period: { from: string; to: string };
  rows: MeetingPackLine[];
  services: MeetingPackService[];
  /** The items up for decision at the meeting, in the pack's language. */
  decisions: string[];
}

/** Flattens the api's figures into the meeting pack's rows (services in catalogue order). */
export function meetingPackOf(data: MeetingPackData, year: number, lang: Lang): MeetingPack {
  const metricNames = new Map<string, string>(
    data.catalogueServices.flatMap((s) => s.metrics.map((m): [string, string] => [m.id, m.name[lang]])),
  );
  const rows: MeetingPackLine[] = [];
  for (const service of data.catalogueServices) {
    const costs = data.catalogueCosts.find((c) => c.service === service.id);
    // The api answers costs for every service it lists; a pack without them would be wrong, not partial.
    if (!costs) throw new Error(`The api listed no costs for the service ${service.id}`);
    for (const municipality of [...data.municipalities].sort((a, b) => a.names.sv.localeCompare(b.names.sv, 'sv'))) {
      const own = municipality.services.find((s) => s.service === service.id);
      if (!own?.stage) continue;
      rows.push({
        serviceId: service.id,
        service: service.name[lang],
        status: service.status,
        version: service.version,
        municipality: municipality.names[lang],
        stage: own.stage,
        allocationKey: costs.appliedKey,
        budgetSek: costs.budgetSek,
        shareSek: own.costSek ?? 0,
        estimatedLowSek: own.estimatedLowSek,
        estimatedHighSek: own.estimatedHighSek,
        usage: own.usage.map((u) => ({ metric: metricNames.get(u.metric) ?? u.metric, count: u.count })),
      });
    }
  }
  const months = data.municipalities[0]?.months ?? [];
  const closed = data.catalogueCosts.find((c) => c.closed)?.closed ?? null;
  const services = data.catalogueServices.map((service): MeetingPackService => {
    const own = rows.filter((r) => r.serviceId === service.id);
    const costSek = own.reduce((sum, r) => sum + r.shareSek, 0);
    const estimatedLowSek = own.reduce((sum, r) => sum + r.estimatedLowSek, 0);
    const estimatedHighSek = own.reduce((sum, r) => sum + r.estimatedHighSek, 0);
    return {
      serviceId: service.id,
      service: service.name[lang],
      costSek,
      estimatedLowSek,
      estimatedHighSek,
      netLowSek: estimatedLowSek - costSek,
      netHighSek: estimatedHighSek - costSek,
      returnLow: costSek > 0 ? estimatedLowSek / costSek : null,
      returnHigh: costSek > 0 ? estimatedHighSek / costSek : null,
      hypotheses: (data.benefits[service.id] ?? []).map((b) => ({
        name: b.hypothesis.name[lang],
        basis: b.hypothesis.basis,
        estimatedLowSek: b.totalEstimatedLowSek,
        estimatedHighSek: b.totalEstimatedHighSek,
        followedUpSek: b.totalFollowedUpSek,
      })),
    };
  });
  return {
    year,
    demo: data.catalogueDemo,
    closed,
    period: { from: months[0] ?? '', to: months[months.length - 1] ?? '' },
    rows,
    services,
    decisions: decisionItems(year, closed, services, lang, data.catalogueProposals ?? [], data.tenants),
  };
}

/**
 * What the steering group is asked to decide, from the figures: the year's cost sharing while it is
 * open, a follow-up for each used hypothesis nobody has measured, and whether to keep funding a
 * service whose cost exceeds even its highest estimated benefit.
 */
export function decisionItems(
  year: number,
  closed: MeetingPack['closed'],
  services: MeetingPackService[],
  lang: Lang,
  proposals: MeetingPackData['catalogueProposals'] = [],
  tenants: MeetingPackData['tenants'] = [],
): string[] {
  const sv = lang === 'sv';
  const items: string[] = [];
  if (!closed)
    items.push(sv ? `Fastställa kostnadsfördelningen för ${year} (året stängs)` : `Adopt the cost sharing for ${year} (closes the year)`);
  const member = (slug: string) => tenants.find((t) => t.slug === slug)?.names[lang] ?? slug;
  for (const p of proposals.filter((p) => p.status === 'open' || p.status === 'postponed')) {
    const interested = p.interests.length;
    items.push(
      sv
        ? `Besluta om förslaget "${p.title.sv}" (${member(p.proposedBy)}; ${interested} ${interested === 1 ? 'kommun till' : 'kommuner till'} intresserad${interested === 1 ? '' : 'e'})`
        : `Decide on the proposal "${p.title.en}" (${member(p.proposedBy)}; ${interested} more ${interested === 1 ? 'member' : 'members'} interested)`,
    );
  }
  for (const s of services) {
    for (const h of s.hypotheses.filter((h) => h.followedUpSek === null && h.estimatedHighSek > 0))
      items.push(
        sv
          ? `Uppdra åt tjänsteägaren att följa upp nyttan "${h.name}" (${s.service})`
          : `Ask the owner to follow up "${h.name}" (${s.service})`,
      );
  }
  for (const s of services.filter((s) => s.costSek > 0 && s.netHighSek < 0))
    items.push(
      sv
        ? `Pröva fortsatt finansiering av ${s.service}: kostnaden överstiger den högsta uppskattade nyttan`
        : `Review the funding of ${s.service}: its cost exceeds its highest estimated benefit`,
    );
  return items;
}

/** A return on cost as "2,4×" (Swedish) or "2.4×"; a dash without a cost. */
const formatReturn = (value: number | null, lang: Lang): string =>
  value === null ? '–' : `${new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 }).format(value)}×`;

// A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe.
const cell = (value: string | number): string => {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The meeting pack as CSV: semicolons and a byte-order mark, as Excel in Swedish expects. */
export function meetingPackCsv(pack: MeetingPack, lang: Lang): string {
  const header =
    lang === 'sv'
      ? [
          'År',
          'Tjänst-id',
          'Tjänst',
          'Status',
          'Version',
          'Kommun',
          'Skede',
          'Fördelningsnyckel',
          'Budget (kr)',
          'Kommunens andel (kr)',
          'Uppskattad nytta låg (kr)',
          'Uppskattad nytta hög (kr)',
          'Nettonytta låg (kr)',
          'Nettonytta hög (kr)',
          'Nyttoperiod',
          'Användning',
        ]
      : [
          'Year',
          'Service id',
          'Service',
          'Status',
          'Version',
          'Municipality',
          'Stage',
          'Allocation key',
          'Budget (SEK)',
          'Municipality share (SEK)',
          'Estimated benefit low (SEK)',
          'Estimated benefit high (SEK)',
          'Net benefit low (SEK)',
          'Net benefit high (SEK)',
          'Benefit period',
          'Use',
        ];
  const period = `${pack.period.from.slice(0, 7)}..${pack.period.to.slice(0, 7)}`;
  const lines = pack.rows.map((r) =>
    [
      pack.year,
      r.serviceId,
      r.service,
      statusLabel(r.status, lang),
      r.version,
      r.municipality,
      stageLabel(r.stage, lang),
      keyLabel(r.allocationKey, lang),
      r.budgetSek ?? '',
      r.shareSek,
      Math.round(r.estimatedLowSek),
      Math.round(r.estimatedHighSek),
      Math.round(r.estimatedLowSek - r.shareSek),
      Math.round(r.estimatedHighSek - r.shareSek),
      period,
      r.usage.map((u) => `${u.metric}: ${u.count}`).join(' | '),
    ]
      .map(cell)
      .join(';'),
  );
  // Demo figures are marked in the first line, before the header, and in a column of every row, so
  // no copy of a row can pass for a real figure.
  const demo = pack.demo
    ? [cell(lang === 'sv' ? 'DEMODATA: påhittade siffror, inte kommunernas' : "DEMO DATA: made-up figures, not the municipalities'")]
    : [];
  const marked = pack.demo
    ? [[...header, lang === 'sv' ? 'Demo' : 'Demo'].map(cell).join(';'), ...lines.map((l) => `${l};DEMO`)]
    : [header.map(cell).join(';'), ...lines];
  return `\uFEFF${[...demo, ...marked].join('\r\n')}\r\n`;
}

/** The meeting pack as an accessible A4 PDF: per service a heading, its terms and a table of each member's share and benefit. */
export async function meetingPackPdf(pack: MeetingPack, lang: Lang, generatedAt: Date): Promise<Uint8Array> {
  const sv = lang === 'sv';
  const title = sv ? `Underlag till styrgruppsmötet ${pack.year}` : `Steering group meeting pack ${pack.year}`;
  const demoNote = sv ? 'DEMODATA: påhittade siffror' : 'DEMO DATA: made-up figures';
  const pdf = new AccessiblePdf({
    title,
    language: sv ? 'sv-SE' : 'en-GB',
    subject: pack.demo ? demoNote : undefined,
    creator: 'Kommuna portal',
    createdAt: generatedAt,
  });
  if (pack.demo) {
    pdf.paragraph(
      sv
        ? 'DEMODATA: påhittade siffror för att visa portalen, inte kommunernas.'
        : "DEMO DATA: made-up figures to show the portal, not the municipalities'.",
      { bold: true, size: 12, gap: 8 },
    );
  }
  pdf.heading(1, title);
  const period = pack.period.from ? `${formatMonth(pack.period.from, lang)} – ${formatMonth(pack.period.to, lang)}` : '';
  pdf.paragraph(
    sv
      ? `Kostnader för ${pack.year}; användning och uppskattad nytta ${period}. Skapat ${stockholmDay(generatedAt)}.`
      : `Costs for ${pack.year}; use and estimated benefit ${period}. Generated ${stockholmDay(generatedAt)}.`,
    { gap: 14 },
  );
  pdf.heading(2, sv ? 'Att besluta' : 'For decision');
  if (pack.decisions.length > 0) pdf.list(pack.decisions, { gap: 8 });
  else pdf.paragraph(sv ? 'Inga ärenden att besluta.' : 'Nothing for decision.', { gap: 8 });
  pdf.heading(2, sv ? 'Nettonytta per tjänst' : 'Net benefit per service');
  const range = (low: number, high: number) => (high === 0 && low === 0 ? '–' : `${formatSek(low, lang)} – ${formatSek(high, lang)}`);
  pdf.table(
    [
      { header: sv ? 'Tjänst' : 'Service', width: 3 },
      { header: sv ? 'Kostnad' : 'Cost', width: 2, align: 'right' },
      { header: sv ? 'Uppskattad nytta' : 'Estimated benefit', width: 4, align: 'right' },
      { header: sv ? 'Nettonytta' : 'Net benefit', width: 4, align: 'right' },
      { header: sv ? 'Nytta per krona' : 'Benefit per krona', width: 2, align: 'right' },
      { header: sv ? 'Uppföljd nytta' : 'Followed-up benefit', width: 3, align: 'right' },
    ],
    pack.services.map((s) => {
      const followed = s.hypotheses.filter((h) => h.followedUpSek !== null);
      return [
        s.service,
        formatSek(s.costSek, lang),
        range(s.estimatedLowSek, s.estimatedHighSek),
        range(s.netLowSek, s.netHighSek),
        s.returnLow === null ? '–' : `${formatReturn(s.returnLow, lang)} – ${formatReturn(s.returnHigh, lang)}`,
        followed.length === 0
          ? sv
            ? 'ej uppföljd'
            : 'not followed up'
          : formatSek(
              followed.reduce((sum, h) => sum + (h.followedUpSek ?? 0), 0),
              lang,
            ),
      ];
    }),
  );
  for (const serviceId of [...new Set(pack.rows.map((r) => r.serviceId))]) {
    const rows = pack.rows.filter((r) => r.serviceId === serviceId);
    const first = rows[0];
    pdf.space(6);
    pdf.heading(2, first.service);
    pdf.paragraph(
      `${statusLabel(first.status, lang)} · version ${first.version} · budget ${first.budgetSek === null ? (sv ? 'ingen beslutad' : 'none decided') : formatSek(first.budgetSek, lang)} · ${keyLabel(first.allocationKey, lang)}`,
      { gap: 6 },
    );
    pdf.table(
      [
        { header: sv ? 'Kommun' : 'Municipality', width: 3 },
        { header: sv ? 'Skede' : 'Stage', width: 2 },
        { header: sv ? 'Andel' : 'Share', width: 2, align: 'right' },
        { header: sv ? 'Uppskattad nytta (lågt–högt)' : 'Estimated benefit (low–high)', width: 4, align: 'right' },
      ],
      [
        ...rows.map((r) => [
          r.municipality,
          stageLabel(r.stage, lang),
          formatSek(r.shareSek, lang),
          r.estimatedHighSek === 0 ? '–' : `${formatSek(r.estimatedLowSek, lang)} – ${formatSek(r.estimatedHighSek, lang)}`,
        ]),
        [
          sv ? 'Summa' : 'Total',
          '',
          formatSek(
            rows.reduce((sum, r) => sum + r.shareSek, 0),
            lang,
          ),
          '',
        ],
      ],
    );
  }
  return pdf.finish();
}
