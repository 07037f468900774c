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
    sim.configure({ reachableShare: 0.5, failNextRequests: 0, rejectedSenders: [], under18: [] });
  });

  const ids = Array.from({ length: 400 }, (_v, i) => `1990010${String(i).padStart(5, '0')}`);

  it('answers reachability deterministically, with about the configured share reachable', async () => {
    const first = await post(`${sim.url}/reachability`, { senderOrgNr: '212000-2411', recipients: ids });
    const second = await post(`${sim.url}/reachability`, { senderOrgNr: '212000-2411', recipients: ids });
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const reachable = first.body.filter((r: { reachable: boolean }) => r.reachable).length;
    expect(reachable).toBeGreaterThan(150);
    expect(reachable).toBeLessThan(250);
    expect(first.body[0]).toEqual(expect.objectContaining({ recipientId: ids[0], senderAccepted: expect.any(Boolean) }));
    expect(sim.records().reachabilityCalls).toEqual([
      { senderOrgNr: '212000-2411', recipientCount: 400 },
      { senderOrgNr: '212000-2411', recipientCount: 400 },
    ]);
  });

  it('refuses more than 1000 recipients a call', async () => {
    const { status, body } = await post(`${sim.url}/reachability`, {
      senderOrgNr: '212000-2411',
      recipients: Array.from({ length: 1001 }, (_v, i) => String(i)),
    });
    expect(status).toBe(400);
    expect(body.code).toBe('TOO_MANY_RECIPIENTS');
  });

  it('marks under-18 recipients and refused senders', async () => {
    sim.configure({ under18: [ids[0]], reachable: [ids[1]], rejectedSenders: ['212000-0142'] });
    const { body } = await post(`${sim.url}/reachability`, { senderOrgNr: '212000-0142', recipients: [ids[0], ids[1]] });
    expect(body).toEqual([
      expect.objectContaining({ recipientId: ids[0], reachable: false, reason: 'RECIPIENT_UNDER_18' }),
      expect.objectContaining({ recipientId: ids[1], reachable: true, senderAccepted: false }),
    ]);
    const refused = await post(`${sim.url}/deliveries`, {
      messageId: 'm-1',
      senderOrgNr: '212000-0142',
      recipient: ids[1],
      subject: 's',
      body: 'b',
    });
    expect(refused).toEqual({ status: 403, body: expect.objectContaining({ code: 'SENDER_NOT_ACCEPTED' }) });
  });

  it('keeps one letter per message id however often it is delivered, and counts the requests', async () => {
    sim.configure({ reachable: [ids[2]] });
    const letter = { messageId: 'm-2', senderOrgNr: '212000-2411', recipient: ids[2], subject: 'Beslut', body: 'Hej', attachments: [] };
    const first = await post(`${sim.url}/deliveries`, letter);
    const again = await post(`${sim.url}/deliveries`, letter);
    expect(first.status).toBe(200);
    expect(again.body.transactionId).toBe(first.body.transactionId);
    expect(sim.records().deliveries).toHaveLength(1);
    expect(sim.records().deliveryCounts['m-2']).toEqual({ accepted: 1, requests: 2 });
    const records = (await (await fetch(`${sim.url}/_records`)).json()) as any;
    expect(records.deliveryCounts['m-2']).toEqual({ accepted: 1, requests: 2 });
  });

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
