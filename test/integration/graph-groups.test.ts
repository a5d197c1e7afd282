import { GraphGroups } from '../../src/entra/graph-groups';
import { FakeGraph, fakeGraphCredential } from '../fakes/graph';
import { ManualClock } from '../helpers/clock';

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The Graph adapter against the local fake: paging, batching, throttling, the short cache. */
describe('Entra groups over Microsoft Graph', () => {
  const graph = new FakeGraph();
  const clock = new ManualClock();
  let groups: GraphGroups;
  const BIG = guid(900);
  const INNER = guid(901);
  const person = guid(1);

  beforeAll(async () => {
    await graph.start();
    for (let i = 1; i <= 150; i++) graph.users.set(guid(i), `user ${i}`);
    graph.groups.set(
      INNER,
      Array.from({ length: 100 }, (_, i) => guid(i + 51)),
    );
    graph.groups.set(BIG, [...Array.from({ length: 50 }, (_, i) => guid(i + 1)), INNER]);
    for (let g = 0; g < 25; g++) graph.groups.set(guid(1000 + g), g === 24 ? [person] : []);
  });
  beforeEach(() => {
    groups = new GraphGroups({ credential: fakeGraphCredential, baseUrl: graph.url, clock });
  });
  afterAll(() => graph.stop());

  it("follows Graph's nextLink through a nested group's users, up to the limit", async () => {
    const users = await groups.groupUsers(BIG, 120);
    expect(users).toHaveLength(120);
    expect(users[0]).toEqual({ id: guid(1), name: 'user 1' });
    expect(graph.callsTo(`/groups/${BIG}/transitiveMembers`).length).toBe(2);
    expect(await groups.groupUsers(BIG, 500)).toHaveLength(150);
  });

  it('asks about at most 20 groups per checkMemberGroups call, and finds the 25th', async () => {
    const before = graph.callsTo('checkMemberGroups').length;
    const ids = Array.from({ length: 25 }, (_, g) => guid(1000 + g));
    expect(await groups.memberGroups(person, ids)).toEqual([guid(1024)]);
    expect(graph.callsTo('checkMemberGroups').length - before).toBe(2);
  });

  it('an object Graph does not know is in no group; answers are reused for a minute, then asked again', async () => {
    expect(await groups.memberGroups(guid(777), [BIG])).toEqual([]);
    const calls = () => graph.callsTo(`/directoryObjects/${person}/checkMemberGroups`).length;
    const before = calls();
    await groups.memberGroups(person, [BIG]);
    await groups.memberGroups(person, [BIG]);
    expect(calls() - before).toBe(1);
    clock.advance(61_000);
    await groups.memberGroups(person, [BIG]);
    expect(calls() - before).toBe(2);
  });

  it('waits out throttling (Retry-After), and throws when Graph keeps refusing: never an empty answer', async () => {
    graph.failNext(429, 'TooManyRequests', 2, '0');
    expect(await groups.memberGroups(person, [INNER])).toEqual([]);
    graph.failNext(403, 'Authorization_RequestDenied', 1);
    await expect(groups.memberGroups(person, [BIG])).rejects.toThrow('Microsoft Graph answered 403 Authorization_RequestDenied');
    graph.failNext(503, 'serviceNotAvailable', 3, '0');
    await expect(groups.groupUsers(INNER, 5)).rejects.toThrow('503');
  });
});
