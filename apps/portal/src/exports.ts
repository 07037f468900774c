import { PDFDocument, PDFFont, PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { MeetingPackData } from './data';
import { formatMonth, formatSek, keyLabel, Lang, stageLabel, statusLabel } from './i18n';

/** One line of the meeting pack: a service at a municipality that uses it. */
export interface MeetingPackRow {
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

export interface MeetingPack {
  year: number;
  /** Demo figures (npm start): the CSV and the PDF say so before anything else. */
  demo: boolean;
  /** The decision that closed the year, when one did. */
  closed: { decidedOn: string; diaryNumber: string } | null;
  period: { from: string; to: string };
  rows: MeetingPackRow[];
}

/** Flattens the api's figures into the meeting pack's rows (services in catalogue order). */
export function meetingPackOf(data: MeetingPackData, year: number, lang: Lang): MeetingPack {
  const metricNames = new Map<string, string>(
    data.catalogueServices.flatMap((s) => s.metrics.map((m): [string, string] => [m.id, m.name[lang]])),
  );
  const rows: MeetingPackRow[] = [];
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
  return { year, demo: data.catalogueDemo, closed, period: { from: months[0] ?? '', to: months[months.length - 1] ?? '' }, rows };
}

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

/** Text the standard PDF font can draw: anything outside WinAnsi becomes a near equivalent or '?'. */
function drawable(font: PDFFont, text: string): string {
  const replaced = text
    .replace(/[\u2212]/g, '-')
    .replace(/[\u202F\u2009]/g, ' ')
    .replace(/≥/g, '>=')
    .replace(/→/g, '->');
  let out = '';
  for (const ch of replaced) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += '?';
    }
  }
  return out;
}

/** The meeting pack as an A4 PDF: a summary per service with each member's share and benefit. */
export async function meetingPackPdf(pack: MeetingPack, lang: Lang, generatedAt: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(lang === 'sv' ? `Underlag till styrgruppsmötet ${pack.year}` : `Steering group meeting pack ${pack.year}`);
  pdf.setLanguage(lang === 'sv' ? 'sv-SE' : 'en-GB');
  pdf.setProducer('Kommuna portal');
  pdf.setCreationDate(generatedAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const margin = 50;
  let page: PDFPage = pdf.addPage([595.28, 841.89]);
  let y = page.getHeight() - margin;
  const write = (text: string, options: { size?: number; font?: PDFFont; x?: number; gap?: number } = {}) => {
    const size = options.size ?? 10;
    if (y < margin + size) {
      page = pdf.addPage([595.28, 841.89]);
      y = page.getHeight() - margin;
    }
    page.drawText(drawable(options.font ?? regular, text), {
      x: options.x ?? margin,
      y,
      size,
      font: options.font ?? regular,
      color: rgb(0.1, 0.1, 0.1),
    });
    y -= size + (options.gap ?? 4);
  };
  const columns = (cells: string[], xs: number[], font: PDFFont = regular) => {
    if (y < margin + 10) {
      page = pdf.addPage([595.28, 841.89]);
      y = page.getHeight() - margin;
    }
    cells.forEach((text, i) => page.drawText(drawable(font, text), { x: xs[i], y, size: 9, font }));
    y -= 13;
  };

  if (pack.demo) {
    pdf.setSubject(lang === 'sv' ? 'DEMODATA: påhittade siffror' : 'DEMO DATA: made-up figures');
    write(
      lang === 'sv'
        ? 'DEMODATA: påhittade siffror för att visa portalen, inte kommunernas.'
        : "DEMO DATA: made-up figures to show the portal, not the municipalities'.",
      { size: 12, font: bold, gap: 8 },
    );
  }
  write(lang === 'sv' ? `Underlag till styrgruppsmötet ${pack.year}` : `Steering group meeting pack ${pack.year}`, {
    size: 18,
    font: bold,
    gap: 8,
  });
  const period = pack.period.from ? `${formatMonth(pack.period.from, lang)} – ${formatMonth(pack.period.to, lang)}` : '';
  write(
    lang === 'sv'
      ? `Kostnader för ${pack.year}; användning och uppskattad nytta ${period}. Skapat ${generatedAt.toISOString().slice(0, 10)}.`
      : `Costs for ${pack.year}; use and estimated benefit ${period}. Generated ${generatedAt.toISOString().slice(0, 10)}.`,
    { gap: 14 },
  );
  const xs = [margin, margin + 150, margin + 245, margin + 345];
  for (const serviceId of [...new Set(pack.rows.map((r) => r.serviceId))]) {
    const rows = pack.rows.filter((r) => r.serviceId === serviceId);
    const first = rows[0];
    y -= 6;
    write(first.service, { size: 13, font: bold });
    write(
      `${statusLabel(first.status, lang)} · ${lang === 'sv' ? 'version' : 'version'} ${first.version} · ${lang === 'sv' ? 'budget' : 'budget'} ${first.budgetSek === null ? (lang === 'sv' ? 'ingen beslutad' : 'none decided') : formatSek(first.budgetSek, lang)} · ${keyLabel(first.allocationKey, lang)}`,
      { gap: 6 },
    );
    columns(
      lang === 'sv'
        ? ['Kommun', 'Skede', 'Andel', 'Uppskattad nytta (lågt–högt)']
        : ['Municipality', 'Stage', 'Share', 'Estimated benefit (low–high)'],
      xs,
      bold,
    );
    for (const r of rows) {
      columns(
        [
          r.municipality,
          stageLabel(r.stage, lang),
          formatSek(r.shareSek, lang),
          r.estimatedHighSek === 0 ? '–' : `${formatSek(r.estimatedLowSek, lang)} – ${formatSek(r.estimatedHighSek, lang)}`,
        ],
        xs,
      );
    }
    columns(
      [
        lang === 'sv' ? 'Summa' : 'Total',
        '',
        formatSek(
          rows.reduce((s, r) => s + r.shareSek, 0),
          lang,
        ),
        '',
      ],
      xs,
      bold,
    );
  }
  return pdf.save();
}
