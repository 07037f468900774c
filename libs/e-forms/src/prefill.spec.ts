import type { Principal } from '@kommuna/platform-auth';
import { PartyRegister, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig, testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { validateFormDefinition } from './definition';
import { prefillAnswers, ResidentRecord } from './prefill';
import { CitizenFormsService } from './services/citizen-forms.service';
import { FormAdminService } from './services/form-admin.service';
import { E_FORMS_TEST_SCHEMA, exampleDefinition } from './test-support';

/** A form asking for name and address, prefilled from the population register. */
function addressForm(): unknown {
  const text = (name: string, sv: string) => ({ name, kind: 'text', label: { sv, en: sv } });
  return {
    title: { sv: 'Anmälan', en: 'Notification' },
    caseType: 'anmalan',
    errandNumberPrefix: 'ANM',
    loginRequired: true,
    retention: { submissionDays: 365 },
    steps: [
      {
        id: 'person',
        title: { sv: 'Du', en: 'You' },
        fields: [text('namn', 'Namn'), text('gatuadress', 'Gatuadress'), text('postnummer', 'Postnummer'), text('ort', 'Ort')],
      },
    ],
    dataSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { namn: { type: 'string' }, gatuadress: { type: 'string' }, postnummer: { type: 'string' }, ort: { type: 'string' } },
    },
    prefill: { namn: 'fullName', gatuadress: 'street', postnummer: 'postalCode', ort: 'city' },
  };
}

const ordinary: ResidentRecord = {
  status: 'ACTIVE',
  protection: 'NONE',
  name: { givenName: 'Anna', familyName: 'Andersson' },
  address: { careOf: null, street: 'Storgatan 12', postalCode: '852 30', city: 'SUNDSVALL' },
};

describe('e-forms: prefill from the population register', () => {
  describe('prefillAnswers', () => {
    const prefill = { namn: 'fullName', gatuadress: 'street', postnummer: 'postalCode', ort: 'city' } as const;

    it('fills the fields the definition names from the person', () => {
      expect(prefillAnswers(prefill, ordinary)).toEqual({
        data: { namn: 'Anna Andersson', gatuadress: 'Storgatan 12', postnummer: '852 30', ort: 'SUNDSVALL' },
        protectedIdentity: false,
      });
    });

    it('never fills in a protected person’s address, even one the record carries; the name it does', () => {
      for (const protection of ['SEKRETESSMARKERING', 'SKYDDAD_FOLKBOKFORING'] as const) {
        expect(prefillAnswers(prefill, { ...ordinary, protection })).toEqual({ data: { namn: 'Anna Andersson' }, protectedIdentity: true });
      }
    });

    it('fills nothing for a person the register does not know, or without prefill', () => {
      expect(prefillAnswers(prefill, { ...ordinary, status: 'NOT_FOUND' }).data).toEqual({});
      expect(prefillAnswers(undefined, ordinary).data).toEqual({});
      expect(prefillAnswers(prefill, undefined).data).toEqual({});
    });
  });

  describe('the definition', () => {
    it('accepts prefill into text fields', () => {
      expect(validateFormDefinition(addressForm()).prefill).toEqual({
        namn: 'fullName',
        gatuadress: 'street',
        postnummer: 'postalCode',
        ort: 'city',
      });
    });

    it('refuses prefill into a field the form lacks, into a field that is not text, and an unknown source', () => {
      const definition = exampleDefinition('bygglov-forfragan', 'sundsvall');
      expect(() => validateFormDefinition({ ...definition, prefill: { saknas: 'fullName', epost: 'fullName' } })).toThrow(
        expect.objectContaining({
          details: expect.arrayContaining([
            { path: '/prefill/saknas', message: '"saknas" is not a field of this form' },
            { path: '/prefill/epost', message: 'fullName goes into a text field, not a email field' },
          ]),
        }),
      );
      expect(() => validateFormDefinition({ ...definition, prefill: { namn: 'income' } })).toThrow(
        expect.objectContaining({ details: [expect.objectContaining({ path: '/prefill/namn' })] }),
      );
    });
  });

  describe('a resident starts a draft', () => {
    const db = useTestDatabase(E_FORMS_TEST_SCHEMA);
    let sundsvall: Tenant;
    let directory: TenantDirectory;
    const anna = testPersonnummer(1);
    const sara = testPersonnummer(2);
    let lookups: string[][] = [];
    let failing = false;
    // The register as the composition hands it over (digital mail's Navet adapter has this shape;
    // e-forms may not import it, and its contract tests are in libs/digital-mail).
    const people = new Map<string, ResidentRecord>([
      [anna, ordinary],
      [sara, { ...ordinary, protection: 'SKYDDAD_FOLKBOKFORING', name: { givenName: 'Sara', familyName: 'Nilsson' } }],
    ]);
    const register = {
      async lookupPeople(ids: string[]) {
        lookups.push(ids);
        if (failing) throw new Error('register unreachable');
        return new Map(ids.flatMap((id) => (people.has(id) ? [[id, people.get(id)!] as const] : [])));
      },
    };
    let citizens: CitizenFormsService;
    let parties: PartyRegister;

    beforeAll(async () => {
      directory = new TenantDirectory(db());
      [sundsvall] = await directory.sync([
        buildTenantConfig({ slug: 'sundsvall', services: { 'e-forms': { stage: 'production', settings: {} } } }),
      ]);
      const admin = new FormAdminService(db(), directory);
      const principal: Principal = { subject: 'admin', issuer: 'test', roles: ['tenant_admin'], organizations: ['sundsvall'] };
      await inTenant(undefined, async () => {
        await admin.createForm(principal, {
          slug: 'anmalan',
          unit: 'samhallsbyggnad',
          definition: addressForm() as never,
          changelog: 'Första',
        });
        await admin.publishFormVersion(principal, 'anmalan', '1.0');
        await admin.createForm(principal, {
          slug: 'bygglov',
          unit: 'samhallsbyggnad',
          definition: exampleDefinition('bygglov-forfragan'),
          changelog: 'Första',
        });
        await admin.publishFormVersion(principal, 'bygglov', '1.0');
      });
      parties = new PartyRegister(db());
      citizens = new CitizenFormsService(db(), directory, { residents: (tenantId) => (tenantId === sundsvall.id ? register : undefined) });
    });
    beforeEach(() => {
      lookups = [];
      failing = false;
    });

    const inTenant = async <T>(identityNumber: string | undefined, work: () => Promise<T>): Promise<T> => {
      const subjectId = identityNumber ? await parties.partyIdFor('person', identityNumber) : undefined;
      return requestContext.run({ requestId: 'test', tenantId: sundsvall.id, tenantSlug: sundsvall.slug, subjectId }, work);
    };

    it('starts with their name and registered address', async () => {
      const draft = await inTenant(anna, () => citizens.startDraft('anmalan', anna));
      expect(draft.data).toEqual({ namn: 'Anna Andersson', gatuadress: 'Storgatan 12', postnummer: '852 30', ort: 'SUNDSVALL' });
      expect(lookups).toEqual([[anna]]);
    });

    it('leaves a protected person’s address out', async () => {
      const draft = await inTenant(sara, () => citizens.startDraft('anmalan', sara));
      expect(draft.data).toEqual({ namn: 'Sara Nilsson' });
    });

    it('asks the register nothing for a form without prefill, and starts empty when the register fails', async () => {
      expect((await inTenant(anna, () => citizens.startDraft('bygglov', anna))).data).toEqual({});
      expect(lookups).toEqual([]);
      failing = true;
      expect((await inTenant(anna, () => citizens.startDraft('anmalan', anna))).data).toEqual({});
    });
  });
});
