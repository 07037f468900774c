import { parse } from 'node-html-parser';
import { renderToStaticMarkup } from 'react-dom/server';
import { staffCasePage } from './pages';
import type { Applicant, StaffSubmission } from './queries';

const submission: StaffSubmission = {
  id: '6f1c2f0e-2b7a-4c61-9a57-1f1f3e0d9a10',
  errandNumber: 'PTS-2026-000042',
  formSlug: 'parkeringstillstand',
  formVersion: '1.0',
  title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
  status: 'manual_handling',
  submittedAt: '2026-12-07T09:00:00.000Z',
  unit: 'socialtjanst',
  answers: [],
  attachments: [
    {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      field: 'lakarintyg',
      fileName: 'intyg.pdf',
      contentType: 'application/pdf',
      sizeBytes: 2048,
    },
  ],
  completionRequest: null,
  decision: null,
};

const render = (applicant: Applicant | null) =>
  parse(renderToStaticMarkup(<>{staffCasePage('sv', submission, { applicant, csrfToken: 'token' }).body}</>));

describe("the case worker's case page", () => {
  it('names the applicant from the register with their address and personnummer', () => {
    const page = render({
      kind: 'person',
      identityNumber: '199001019802',
      name: 'Anna Andersson',
      address: ['Storgatan 12', '852 30 SUNDSVALL'],
      protectedIdentity: false,
      register: 'found',
    });
    expect(page.querySelector('#applicant strong')!.text).toBe('Anna Andersson');
    expect(page.querySelector('#applicant address')!.innerHTML).toBe('Storgatan 12<br>852 30 SUNDSVALL');
    expect(page.querySelector('#applicant-identity')!.text).toBe('199001019802');
    expect(page.querySelector('#protected-identity')).toBeNull();
  });

  it('shows a protected person with the marker in place of an address', () => {
    const page = render({
      kind: 'person',
      identityNumber: '198507099805',
      name: 'Sara Nilsson',
      address: null,
      protectedIdentity: true,
      register: 'found',
    });
    expect(page.querySelector('#protected-identity')!.text).toContain('Skyddade personuppgifter – adressen visas inte');
    expect(page.querySelector('#applicant address')).toBeNull();
  });

  it('says when the register does not know the person or cannot be reached, and names an organisation by its number', () => {
    const unknown = render({
      kind: 'person',
      identityNumber: '199001019802',
      name: null,
      address: null,
      protectedIdentity: false,
      register: 'unavailable',
    });
    expect(unknown.querySelector('#applicant')!.text).toBe('Folkbokföringen kunde inte nås; namnet visas inte.');
    const company = render({
      kind: 'organisation',
      identityNumber: '5560000001',
      name: null,
      address: null,
      protectedIdentity: false,
      register: 'not_a_person',
    });
    expect(company.querySelectorAll('dt').map((dt) => dt.text)).toContain('Organisationsnummer');
    expect(company.querySelector('#applicant-identity')!.text).toBe('5560000001');
  });

  it("links each file to the workspace's download of it", () => {
    const link = render(null).querySelector('#attachments a')!;
    expect([link.getAttribute('href'), link.text]).toEqual([
      `/workspace/submissions/${submission.id}/attachments/${submission.attachments[0].id}`,
      'intyg.pdf',
    ]);
  });
});
