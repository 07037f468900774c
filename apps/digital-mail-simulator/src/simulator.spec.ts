import { RunningSimulator, startSimulator } from './simulator';

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
};

describe('digital-mail simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ reachableShare: 0.5 });
  });
  afterAll(() => sim?.close());
  beforeEach(() => {
    sim.reset();
    sim.configure({ failNextRequests: 0, pending: [] });
  });

  it('takes its settings and resets its records over HTTP', async () => {
    const control = await post(`${sim.url}/_control`, { pending: ['199001019802'], latencyMs: 0 });
    expect(control.status).toBe(200);
    expect(control.body).toMatchObject({ pending: ['199001019802'] });
    expect(sim.config.pending).toEqual(['199001019802']);
    expect((await post(`${sim.url}/_reset`, {})).body).toEqual({ reset: true });
    expect(sim.records()).toMatchObject({ reachabilityCalls: [], deliveries: [], deliveryCounts: {} });
    expect((await post(`${sim.url}/_control`, 'not an object')).status).toBe(400);
  });

  const ids = Array.from({ length: 400 }, (_v, i) => `1990010${String(i).padStart(5, '0')}`);

  it('injects transient faults (503) on request, configurable over HTTP', async () => {
    await post(`${sim.url}/_control`, { failNextRequests: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await post(`${sim.url}/population/addresses`, { ids: [ids[3]] })).status);
    expect(answers).toEqual([503, 503, 200]);
    expect(sim.records().faultsInjected).toBe(2);
  });

  it('answers addresses from the population register', async () => {
    sim.configure({ noAddress: [ids[5]] });
    const { body } = await post(`${sim.url}/population/addresses`, { ids: [ids[4], ids[5]] });
    expect(body[0]).toEqual({
      id: ids[4],
      name: expect.any(String),
      address: expect.objectContaining({
        street: expect.any(String),
        postalCode: expect.stringMatching(/^\d{3} \d{2}$/),
        city: expect.any(String),
      }),
    });
    expect(body[1]).toEqual({ id: ids[5], name: null, address: null });
  });
});
