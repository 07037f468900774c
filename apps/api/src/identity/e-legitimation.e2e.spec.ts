import { randomUUID } from 'node:crypto';
import { testEidLogin } from '@kommuna/platform-testing';
import { parkingPermitAnswers, startTestApiWithDevIdp, useTestApi } from '../testing/test-api';

// Residents log in with e-legitimation (issue 16 item 5): through dev-idp's test eID, the same
// resident (one of Skatteverket's test personnummer) at loa3 submits a form and reads it in Mina
// sidor; at loa2 they are refused with INSUFFICIENT_ASSURANCE and the level they need (Sundsvall
// requires the default, loa3: tenants/sundsvall/tenant.yaml auth.citizenAssurance).

const PERSONNUMMER = '193207189949';
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, any>;

describe('e-legitimation: residents need their municipality’s assurance level', () => {
  const api = useTestApi(startTestApiWithDevIdp, 60_000);

  const call = (token: string, query: string, variables?: Record<string, unknown>) =>
    api.graphql(query, { authorization: `Bearer ${token}`, 'x-kommuna-tenant': 'sundsvall' }, variables);
  const submit = (token: string) =>
    call(token, 'mutation($input: SubmitFormInput!) { submitForm(input: $input) { errandNumber status } }', {
      input: {
        formSlug: 'parkeringstillstand',
        idempotencyKey: randomUUID(),
        data: parkingPermitAnswers(),
      },
    });
  const ME = '{ me { subject roles hasPersonnummer partyId } }';
  const MY_CASES = '{ myCases { nodes { errandNumber } } }';

  it('carries the personnummer and the eID level (acr) in the token, one subject at every level', async () => {
    const [loa3, loa2] = [
      await testEidLogin(api.idp.realmUrl, PERSONNUMMER, 'loa3'),
      await testEidLogin(api.idp.realmUrl, PERSONNUMMER, 'loa2'),
    ];
    expect(claimsOf(loa3)).toMatchObject({
      'https://id.oidc.se/claim/personalIdentityNumber': PERSONNUMMER,
      acr: 'http://id.elegnamnden.se/loa/1.0/loa3',
      realm_access: { roles: ['citizen'] },
      azp: 'kommuna-web',
    });
    expect(claimsOf(loa2)).toMatchObject({
      'https://id.oidc.se/claim/personalIdentityNumber': PERSONNUMMER,
      acr: 'http://id.elegnamnden.se/loa/1.0/loa2',
      sub: claimsOf(loa3).sub,
    });
  }, 30_000);

  it('lets a resident logged in at loa3 submit a form and find it in Mina sidor', async () => {
    const token = await testEidLogin(api.idp.realmUrl, PERSONNUMMER, 'loa3');
    const submitted = await submit(token);
    expect({ status: submitted.status, errors: submitted.body.errors }).toEqual({ status: 200, errors: undefined });
    const { errandNumber } = submitted.body.data.submitForm;
    expect(errandNumber).toMatch(/^[A-Z]+-\d{4}-\d+$/);
    await api.dispatchEvents(); // Mina sidor learns of the submission from its event, as through the worker
    const cases = await call(token, MY_CASES);
    expect(cases.body.data.myCases.nodes.map((c: { errandNumber: string }) => c.errandNumber)).toContain(errandNumber);
  }, 30_000);

  it('refuses the same resident at loa2: no submission, no cases, the level to log in at; who they are still answers', async () => {
    const token = await testEidLogin(api.idp.realmUrl, PERSONNUMMER, 'loa2');
    for (const attempt of [await submit(token), await call(token, MY_CASES)]) {
      expect(attempt.status).toBe(403);
      expect(attempt.body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('assurance level 3'),
          extensions: {
            code: 'INSUFFICIENT_ASSURANCE',
            details: { required: 'loa3', requiredAcr: 'http://id.elegnamnden.se/loa/1.0/loa3', actual: 'loa2' },
          },
        }),
      ]);
    }
    // Who they are still answers, without their subject context (their own data stays closed).
    const me = await call(token, ME);
    expect(me.body.data.me).toEqual({ subject: claimsOf(token).sub, roles: ['citizen'], hasPersonnummer: true, partyId: null });
  }, 30_000);
});
