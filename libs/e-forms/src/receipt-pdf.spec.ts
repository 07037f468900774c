import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import { validateFormDefinition } from './definition';
import { Receipt, renderAnswers } from './receipt';
import { renderReceiptPdf } from './receipt-pdf';
import { exampleDefinition, pdfText } from './test-support';

describe('receipt PDF', () => {
  const definition = validateFormDefinition(exampleDefinition('parkeringstillstand'));
  const data = {
    roll: 'passagerare',
    telefon: '060-19 10 00',
    behovAvHjalp: 'Jag behöver hjälp att ta mig ur bilen – ≤ 2 gånger i veckan, ł och ŉ',
    funktionsnedsattning: 'Svår artros i båda knäna, går med rullator.',
    varaktighetManader: 24,
    gangstrackaMeter: 40,
    harLakarintyg: false,
  };
  const receipt: Receipt = {
    submissionId: '6b0f7a9e-1c1d-4e0e-9a57-2f3f1c1e7c11',
    errandNumber: 'PTS-2025-000007',
    submittedAt: new Date('2025-03-04T13:05:00Z'),
    tenant: { slug: 'sundsvall', names: { sv: 'Sundsvalls kommun', en: 'Municipality of Sundsvall' } },
    formSlug: 'parkeringstillstand',
    formVersion: '1.0',
    title: definition.title,
    status: 'received',
    answers: renderAnswers(definition, data, []),
    data,
    attachments: [],
    decision: null,
    completionRequest: null,
  };

  it('is an A4 PDF holding the errand number, the time in Swedish time and the answers with labels', async () => {
    const bytes = await renderReceiptPdf(receipt);
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getTitle()).toBe('Kvittens PTS-2025-000007');
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    const text = pdfText(bytes);
    expect(text).toContain('Ärendenummer: PTS-2025-000007');
    expect(text).toContain('Inskickat: 2025-03-04 14:05');
    expect(text).toContain('Ansöker du som förare eller passagerare?');
    expect(text).toContain('Passagerare');
    expect(text).toContain('Svår artros i båda knäna, går med rullator.');
    // Characters outside WinAnsi print as written (the embedded font has them), never as "?".
    expect(text).toContain('Jag behöver hjälp att ta mig ur bilen – ≤ 2 gånger i veckan, ł och ŉ');
  });

  it('is tagged with a structure tree, in Swedish, its font embedded with a Unicode mapping', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-receipt-'));
    try {
      const file = path.join(dir, 'receipt.pdf');
      fs.writeFileSync(file, await renderReceiptPdf(receipt));
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(info).toMatch(/^Title:\s+Kvittens PTS-2025-000007$/m);
      const tree = execFileSync('pdfinfo', ['-struct', file], { encoding: 'utf8' });
      expect(tree).toMatch(/^Document\n\s+P \(block\)\n\s+H1 \(block\)/);
      expect(tree).toContain('H2');
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      for (const font of fonts) expect(font.trim().split(/\s+/).slice(-5, -2)).toEqual(['yes', 'yes', 'yes']);
      const doc = await PDFDocument.load(fs.readFileSync(file));
      expect(String(doc.catalog.get(PDFName.of('Lang')))).toContain('sv-SE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders in English on request, with a decision and its legal basis', async () => {
    const bytes = await renderReceiptPdf(
      {
        ...receipt,
        status: 'decided',
        decision: {
          id: 'd',
          outcome: 'approve',
          automated: true,
          reasons: [{ ruleId: 'r', text: { sv: 'Skäl', en: 'Reason given' } }],
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8', title: { sv: 'Trafikförordningen', en: 'Road Traffic Ordinance' } },
          decidedAt: new Date('2025-03-04T13:05:00Z'),
          validFrom: '2025-03-04',
          validTo: null,
          documentUrl: '/e-forms/decisions/d/document.pdf',
        },
      },
      'en',
    );
    const text = pdfText(bytes);
    expect(text).toContain('Errand number: PTS-2025-000007');
    expect(text).toContain('Approved (Automated decision), 2025-03-04 14:05');
    expect(text).toContain('Valid from 2025-03-04 until further notice');
    expect(text).toContain('Legal basis: SFS 1998:1276 13 kap. 8 § Road Traffic Ordinance');
  });
});
