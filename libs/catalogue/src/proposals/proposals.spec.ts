import { DatabaseSchema, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';
import { buildTenantConfig, useTestDatabase } from '@kommuna/platform-testing';
import { CATALOGUE_DATABASE_SCHEMA } from '../schema';
import { ProposalInput, ServiceProposals } from './proposals';

const SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(CATALOGUE_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...CATALOGUE_DATABASE_SCHEMA.migrations],
};

describe('proposals and services not built here (on the database)', () => {
  const db = useTestDatabase(SCHEMA);
  const steering = { subject: 'styrgrupp-1', roles: ['steering_group'] };
  const admin = { subject: 'plattform', roles: ['platform_admin'] };
  const resident = { subject: 'anna', roles: ['citizen'] };
  let proposals: ServiceProposals;
  const robot: ProposalInput = {
    title: { sv: 'Gemensam kontroll av hemtjänsttimmar', en: 'Shared check of home-care hours' },
    description: { sv: 'Ånges robot (RPA) erbjuds alla medlemmar.', en: "Ånge's robot (RPA) offered to every member." },
    origin: 'existing',
    supplier: 'Robotleverantören AB',
    estimatedYearlyCostSek: 400000,
    proposedBy: 'ange',
  };

  beforeAll(async () => {
    const directory = new TenantDirectory(db());
    await directory.sync(['sundsvall', 'ange', 'timra'].map((slug) => buildTenantConfig({ slug })));
    proposals = new ServiceProposals(db(), directory, () => new Date('2026-12-07T10:00:00Z'));
  });

  it('takes a proposal, interest from other members and a decision with its diary number, keeping the history', async () => {
    const proposed = await proposals.propose(steering, robot);
    expect(proposed).toMatchObject({
      status: 'open',
      origin: 'existing',
      supplier: 'Robotleverantören AB',
      proposedBy: 'ange',
      interests: [],
      decisions: [],
    });
    await proposals.registerInterest(steering, { proposalId: proposed.id, municipality: 'sundsvall', note: 'Ersätter vår egen robot' });
    const interested = await proposals.registerInterest(steering, { proposalId: proposed.id, municipality: 'timra' });
    expect(interested.interests.map((i) => [i.municipality, i.note])).toEqual([
      ['sundsvall', 'Ersätter vår egen robot'],
      ['timra', null],
    ]);
    const postponed = await proposals.decide(steering, {
      proposalId: proposed.id,
      outcome: 'postponed',
      decidedOn: '2026-11-20',
      diaryNumber: 'KS 2026/40',
    });
    expect(postponed.status).toBe('postponed');
    const accepted = await proposals.decide(steering, {
      proposalId: proposed.id,
      outcome: 'accepted',
      decidedOn: '2026-12-04',
      diaryNumber: 'KS 2026/45',
      note: 'Införs 2027',
    });
    expect(accepted.status).toBe('accepted');
    expect(accepted.decisions.map((d) => [d.outcome, d.decidedOn, d.diaryNumber])).toEqual([
      ['postponed', '2026-11-20', 'KS 2026/40'],
      ['accepted', '2026-12-04', 'KS 2026/45'],
    ]);
    // A decided proposal is closed: no second decision, no more interest.
    await expect(
      proposals.decide(steering, { proposalId: proposed.id, outcome: 'rejected', decidedOn: '2026-12-05', diaryNumber: 'KS 2026/46' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await proposals.list(admin)).find((p) => p.id === proposed.id)?.decisions).toHaveLength(2);
  });

  it('refuses what is wrong, field by field, and stores nothing', async () => {
    const before = (await proposals.list(admin)).length;
    await expect(proposals.propose(steering, { ...robot, title: { sv: ' ', en: 'x' }, proposedBy: 'stockholm' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'title.sv', message: 'is required' }],
    });
    await expect(proposals.propose(steering, { ...robot, proposedBy: 'stockholm' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'proposedBy', message: 'is not a member municipality' }],
    });
    await expect(proposals.propose(steering, { ...robot, origin: 'build' })).rejects.toMatchObject({
      details: [{ field: 'supplier', message: 'only for procure or existing' }],
    });
    await expect(proposals.propose(steering, { ...robot, estimatedYearlyCostSek: 12.5 })).rejects.toMatchObject({
      details: [{ field: 'estimatedYearlyCostSek', message: 'whole kronor' }],
    });
    expect(await proposals.list(admin)).toHaveLength(before);

    const open = await proposals.propose(steering, { ...robot, origin: 'build', supplier: null, proposedBy: 'sundsvall' });
    await expect(proposals.registerInterest(steering, { proposalId: open.id, municipality: 'sundsvall' })).rejects.toMatchObject({
      details: [{ field: 'municipality', message: 'sundsvall made the proposal' }],
    });
    await proposals.registerInterest(steering, { proposalId: open.id, municipality: 'ange' });
    await expect(proposals.registerInterest(steering, { proposalId: open.id, municipality: 'ange' })).rejects.toMatchObject({
      details: [{ field: 'municipality', message: 'ange is registered' }],
    });
    await expect(
      proposals.decide(steering, { proposalId: open.id, outcome: 'accepted', decidedOn: '2026-12-08', diaryNumber: 'KS 1' }),
    ).rejects.toMatchObject({ details: [{ field: 'decidedOn', message: 'is after today (2026-12-07)' }] });
    await expect(
      proposals.decide(steering, {
        proposalId: '00000000-0000-4000-8000-000000000000',
        outcome: 'accepted',
        decidedOn: '2026-12-01',
        diaryNumber: 'KS 1',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await proposals.list(admin)).find((p) => p.id === open.id)).toMatchObject({ status: 'open', decisions: [] });
  });

  it('is read by the steering group and platform admins and written by the steering group alone', async () => {
    await expect(proposals.list(resident)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(proposals.propose(admin, robot)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(proposals.list(admin)).resolves.toEqual(expect.any(Array));
  });

  it('keeps the records as written: the app role may not change or remove them', async () => {
    const [any] = await proposals.list(admin);
    await expect(
      db().platformTransaction((em) => em.query(`UPDATE catalogue_proposal SET origin = 'build' WHERE id = $1`, [any.id])),
    ).rejects.toThrow(/permission denied/);
    await expect(db().platformTransaction((em) => em.query(`DELETE FROM catalogue_proposal_decision`))).rejects.toThrow(
      /permission denied/,
    );
  });
});
