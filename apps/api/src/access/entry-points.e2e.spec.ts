import { describeEntryPoints, listEntryPoints } from './entry-points';
import { startTestApi, TestApi } from '../testing/test-api';

// Every resolver and route carries an access rule or an explicit @Public() (docs/architecture.md#identity-and-access).
// The snapshot is reviewed: a change in who may reach what shows in the diff.
describe('entry points', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  it('all carry an access rule', () => {
    const entryPoints = listEntryPoints(api.app);
    expect(entryPoints.length).toBeGreaterThanOrEqual(5);
    expect(entryPoints.filter((e) => !e.rule).map((e) => e.name)).toEqual([]);
  });

  it('match the reviewed access snapshot', () => {
    expect(describeEntryPoints(listEntryPoints(api.app))).toMatchSnapshot();
  });
});
