import { PDFDocument, PDFName } from 'pdf-lib';
import { pdfText } from '@kommuna/platform-testing';
import {
  assertSafeHtml,
  assertSafeLinks,
  htmlToText,
  parseRecipient,
  placeholdersOf,
  renderPrintLetter,
  renderTemplate,
  routeAfterReachability,
  validateAttachment,
} from './index';
import { renderPlaceholders } from './content/placeholders';
import { parseRecipientCsv } from './send-batch.service';

const pdf = async (pages = 1): Promise<Buffer> => {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage();
  return Buffer.from(await doc.save());
};

describe('HTML bodies', () => {
  it('keeps the safe subset, normalised', () => {
    expect(assertSafeHtml('<P>Hej &amp; välkommen<br>till <a href="https://sundsvall.se">oss</a></P><ul><li>a<li>b</ul>')).toBe(
      '<p>Hej &amp; välkommen<br />till <a href="https://sundsvall.se">oss</a></p><ul><li>a</li><li>b</li></ul>',
    );
  });

  it.each([
    ['<p>a</p><script>alert(1)</script>', '<script>'],
    ['<p onclick="steal()">a</p>', 'p[onclick]'],
    ['<a href="javascript:alert(1)">x</a>', 'a[href]'],
    ['<img src="https://tracker.example/x.png">', '<img>'],
    ['<p style="color:red">a</p>', 'p[style]'],
    ['<iframe src="https://x"></iframe>', '<iframe>'],
  ])('refuses %s naming %s', (html, named) => {
    expect(() => assertSafeHtml(html)).toThrow(
      expect.objectContaining({ code: 'UNSAFE_HTML', details: { removed: expect.arrayContaining([named]) } }),
    );
  });

  it.each([
    ['<a href="/minasidor">x</a>', '(relative)'],
    ['<a href="sundsvall.se">x</a>', '(relative)'],
    ['<a href="https://user:pw@sundsvall.se">x</a>', '(it carries credentials)'],
  ])('refuses the link of %s (UNSAFE_LINK, %s)', (html, named) => {
    expect(() => assertSafeLinks(assertSafeHtml(html), 'body')).toThrow(
      expect.objectContaining({ code: 'UNSAFE_LINK', details: { problems: [{ field: 'body', message: expect.stringContaining(named) }] } }),
    );
  });

  it('reads links as a browser does: entities and tabs do not hide a scheme', () => {
    for (const href of [
      '&#106;avascript:alert(1)',
      'java&#x09;script:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'mailto:a@b.se',
    ]) {
      expect(() => assertSafeLinks(`<a href="${href}">x</a>`, 'body')).toThrow(expect.objectContaining({ code: 'UNSAFE_LINK' }));
    }
    expect(() => assertSafeLinks('<p><a href="https://sundsvall.se/beslut?id=1&amp;v=2">beslut</a></p>', 'body')).not.toThrow();
  });

  it('checks a template’s links after its placeholders are filled (issue 23, fault 4)', () => {
    const template = {
      subject: { sv: 'Länk', en: 'Link' },
      body: { sv: '<p><a href="{{lank}}">Öppna</a> {{namn}}</p>', en: '<p><a href="{{lank}}">Open</a></p>' },
      bodyFormat: 'HTML' as const,
    };
    // The template itself passes: only a filled-in letter can be judged.
    expect(() => assertSafeLinks(template.body.sv, 'body.sv', { template: true })).not.toThrow();
    expect(() => assertSafeLinks('<a href="/sida/{{id}}">x</a>', 'body.sv', { template: true })).toThrow(
      expect.objectContaining({ code: 'UNSAFE_LINK' }),
    );
    // Escaping keeps a value from adding markup, not from being a javascript: URL.
    for (const lank of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      '//evil.example/x',
    ]) {
      expect(() => renderTemplate(template, 'sv', { lank, namn: 'Eva' })).toThrow(
        expect.objectContaining({ code: 'UNSAFE_LINK', details: { problems: [expect.objectContaining({ field: 'body' })] } }),
      );
    }
    expect(renderTemplate(template, 'sv', { lank: 'https://sundsvall.se/d/1?a=1&b=<2>', namn: '<Eva>' }).body).toBe(
      '<p><a href="https://sundsvall.se/d/1?a=1&amp;b=&lt;2&gt;">Öppna</a> &lt;Eva&gt;</p>',
    );
    // Plain-text templates carry no links to check.
    expect(renderTemplate({ ...template, bodyFormat: 'TEXT' }, 'sv', { lank: 'javascript:x', namn: 'Eva' }).body).toContain('javascript:x');
  });

  it('turns HTML into text for paper', () => {
    expect(htmlToText('<h1>Beslut</h1><p>Du har fått &amp; beviljats</p><ul><li>ett</li><li>två</li></ul>')).toBe(
      'Beslut\nDu har fått & beviljats\n• ett\n• två',
    );
  });
});

describe('attachments', () => {
  it('accepts a PDF and records its checksum and size', async () => {
    const content = await pdf();
    const ok = validateAttachment(
      { filename: 'beslut.pdf', contentBase64: content.toString('base64'), deliveryMode: 'PAPER_ONLY' },
      0,
      1_000_000,
    );
    expect(ok).toMatchObject({ filename: 'beslut.pdf', deliveryMode: 'PAPER_ONLY', sizeBytes: content.length });
    expect(ok.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.content.equals(content)).toBe(true);
  });

  it('refuses a disguised non-PDF, an oversized file and bad base64', async () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\n0000', 'latin1').toString('base64');
    expect(() => validateAttachment({ filename: 'beslut.pdf', contentBase64: png }, 1, 1_000_000)).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_NOT_PDF', details: { attachment: 1 } }),
    );
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000)]).toString('base64');
    expect(() => validateAttachment({ filename: 'a.pdf', contentBase64: big }, 0, 4096)).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_TOO_LARGE' }),
    );
    expect(() => validateAttachment({ filename: 'a.pdf', contentBase64: 'not base64!' }, 0, 4096)).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_INVALID' }),
    );
    const real = (await pdf()).toString('base64');
    expect(() => validateAttachment({ filename: '../etc/passwd', contentBase64: real }, 0, 100_000)).toThrow(
      expect.objectContaining({ code: 'ATTACHMENT_INVALID' }),
    );
  });
});

describe('recipients', () => {
  it('reads personnummer, samordningsnummer and organisationsnummer', () => {
    expect(parseRecipient('19900101-9802')).toEqual({ kind: 'person', identityNumber: '199001019802' });
    expect(parseRecipient('212000-2411')).toEqual({ kind: 'organisation', identityNumber: '212000-2411' });
  });

  it('refuses an invalid number without echoing it', () => {
    expect(() => parseRecipient('199001019801')).toThrow(expect.objectContaining({ code: 'INVALID_RECIPIENT' }));
    try {
      parseRecipient('199001019801');
    } catch (error) {
      expect((error as Error).message).not.toContain('199001019801');
    }
  });
});

describe('placeholders and CSV', () => {
  it('finds, fills and escapes placeholders', () => {
    expect(placeholdersOf('Hej {{name}}', 'Belopp {{ amount }} för {{name}}')).toEqual(['name', 'amount']);
    expect(renderPlaceholders('<p>Hej {{name}}</p>', { name: '<b>Eva</b>' }, (v) => v.replace(/</g, '&lt;').replace(/>/g, '&gt;'))).toBe(
      '<p>Hej &lt;b&gt;Eva&lt;/b&gt;</p>',
    );
    expect(() => renderPlaceholders('Hej {{name}}', {})).toThrow(expect.objectContaining({ code: 'TEMPLATE_VALUES_MISSING' }));
  });

  it('parses CSV with ; or , and quoted fields', () => {
    const rows = [...parseRecipientCsv('recipient;name;note\n199001019802;"Anna; A.";"say ""hej"""\n\n197110109878;Erik;\n')];
    expect(rows).toEqual([
      { recipient: '199001019802', values: { name: 'Anna; A.', note: 'say "hej"' } },
      { recipient: '197110109878', values: { name: 'Erik', note: '' } },
    ]);
    expect(() => [...parseRecipientCsv('name\nAnna')]).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('keeps a quoted field whole when it holds a line break and a quote (issue 15: a newline split the row)', () => {
    const csv = '\uFEFFrecipient,name,note\r\n199001019802,"Anna\r\nAndersson","she said ""hej""\nand left"\r\n197110109878,Erik,\r\n';
    expect([...parseRecipientCsv(csv)]).toEqual([
      { recipient: '199001019802', values: { name: 'Anna\r\nAndersson', note: 'she said "hej"\nand left' } },
      { recipient: '197110109878', values: { name: 'Erik', note: '' } },
    ]);
  });

  it('refuses a quoted field that is never closed, naming the line and not the content', () => {
    let refused: unknown;
    try {
      Array.from(parseRecipientCsv('recipient;name\n199001019802;Anna\n197110109878;"Erik\n'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ field: 'csv', message: expect.stringMatching(/^line \d+: a quoted field is not closed$/) }] },
    });
    expect(JSON.stringify({ message: (refused as Error).message, details: (refused as { details: unknown }).details })).not.toMatch(
      /1971|Erik/,
    );
  });
});

describe('routing after the reachability check', () => {
  const answer = (over: object) => ({
    recipientId: 'x',
    reachable: true,
    mailboxOperator: 'Kivra',
    senderAccepted: true,
    reason: null,
    ...over,
  });
  it('maps each answer to digital, paper or a final status', () => {
    expect(routeAfterReachability(answer({}), true)).toEqual({ next: 'DIGITAL', mailboxOperator: 'Kivra' });
    expect(routeAfterReachability(answer({ reachable: false, reason: 'NO_MAILBOX' }), true)).toMatchObject({ next: 'PAPER' });
    expect(routeAfterReachability(answer({ reachable: false, reason: 'NO_MAILBOX' }), false)).toMatchObject({
      final: 'NO_CONTACT_SETTINGS_FOUND',
    });
    expect(routeAfterReachability(answer({ senderAccepted: false }), false)).toMatchObject({ final: 'NO_CONTACT_WANTED' });
    expect(routeAfterReachability(answer({ reachable: false, reason: 'RECIPIENT_UNDER_18' }), false)).toMatchObject({ final: 'NOT_SENT' });
    expect(routeAfterReachability(undefined, true)).toMatchObject({ final: 'FAILED' });
  });
});

describe('print letters', () => {
  it('renders an A4 letter with the address in the envelope window and appends attachments', async () => {
    const { pdf: bytes, pageCount } = await renderPrintLetter({
      senderName: 'Sundsvalls kommun',
      address: { name: 'Erik Eriksson', street: 'Storgatan 1', postalCode: '852 30', city: 'Sundsvall' },
      subject: 'Beslut om bygglov',
      body: 'Rad ett\n' + 'långt ord '.repeat(400),
      supportInfo: { text: 'Ring oss', phone: '+46 60 19 10 00' },
      date: new Date('2025-11-03T10:00:00Z'),
      language: 'sv',
      attachments: [await pdf(2)],
    });
    const doc = await PDFDocument.load(bytes);
    // The letter names its language (text it could not print was refused when the letter was accepted).
    expect(String(doc.catalog.get(PDFName.of('Lang')))).toContain('sv-SE');
    expect(pageCount).toBe(doc.getPageCount());
    expect(pageCount).toBeGreaterThanOrEqual(4); // the long body runs onto a second page, then two attachment pages
    const [width, height] = [doc.getPage(0).getWidth(), doc.getPage(0).getHeight()];
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
  });

  it("is dated with the day in Sweden, where it is read, not UTC's date", async () => {
    const { pdf: bytes } = await renderPrintLetter({
      senderName: 'Sundsvalls kommun',
      address: { name: 'Erik Eriksson', street: 'Storgatan 1', postalCode: '852 30', city: 'Sundsvall' },
      subject: 'Beslut om bygglov',
      body: 'Rad ett',
      supportInfo: { text: 'Ring oss' },
      // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
      date: new Date('2026-12-07T23:30:00Z'),
      language: 'sv',
      attachments: [],
    });
    const text = pdfText(bytes);
    expect(text).toContain('2026-12-08');
    expect(text).not.toContain('2026-12-07');
  });
});
