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
});
