import { AccessService } from '../../src/access/service';
import { RevokeBatches } from '../../src/store/revoke-batches';
import type { Policy } from '../../src/access/policy';
import type { IdGenerator } from '../../src/lib/ids';
import { createLogger } from '../../src/lib/logger';
import {
  MemoryGroups,
  MemoryOutbox,
  MemoryPeople,
  MemoryProvider,
  RecordingNotifier,
  RecordingScheduler,
  type ScheduledJob,
} from '../fakes/in-memory/ports';
import { MemoryAccessStore } from '../fakes/in-memory/store';
import { ManualClock } from './clock';
import { testPolicy } from './policy';

/** Ids in order (`R-0001`, `G-0000000001`…), so a test can name what it made. */
export function sequentialIds(): IdGenerator {
  let requests = 0;
  let grants = 0;
  return {
    requestId: () => `R-${String(++requests).padStart(4, '0')}`,
    grantId: () => `G-${String(++grants).padStart(10, '0')}`,
  };
}

/**
 * The core on in-memory ports: the real AccessService and every use case, with the
 * store, outbox, scheduler, chat and provider kept in memory and a clock moved by hand.
 * No database, no Redis: a unit test of the core runs in milliseconds.
 */
export function memoryCore(opts: { policy?: Policy; groups?: Record<string, string[]> } = {}) {
  const policy = opts.policy ?? testPolicy();
  const store = new MemoryAccessStore();
  const outbox = new MemoryOutbox();
  const scheduler = new RecordingScheduler();
  const notifier = new RecordingNotifier();
  const people = new MemoryPeople();
  const provider = new MemoryProvider('sandbox');
  const clock = new ManualClock();
  const service = new AccessService({
    policy,
    store,
    // The production batching over the in-memory store: the use cases see one grant at a time either way.
    revokes: new RevokeBatches(store, clock),
    outbox,
    scheduler,
    notifier,
    people,
    clock,
    directory: new MemoryGroups(opts.groups),
    providers: (name) => (name === provider.name ? provider : undefined),
    ids: sequentialIds(),
    logger: createLogger('silent'),
    reconcileEveryMs: 10_000,
  });

  /** Takes the queued jobs of one kind out one by one (jobs they queue of that kind run too) and runs each. */
  async function drain<K extends ScheduledJob['kind']>(
    kind: K,
    run: (job: Extract<ScheduledJob, { kind: K }>) => Promise<unknown>,
  ): Promise<void> {
    for (;;) {
      const i = scheduler.jobs.findIndex((j) => j.kind === kind);
      if (i < 0) return;
      const [job] = scheduler.jobs.splice(i, 1);
      await run(job as Extract<ScheduledJob, { kind: K }>);
    }
  }
  /** Delivers the chat work owed so far, as the chat worker would. */
  const deliverChat = () => drain('chat', (job) => service.deliverChat(job.id));
  /** Runs the grant jobs queued so far, as the grant worker would. */
  const runGrants = () => drain('grant', (job) => service.activateGrant(job.requestId));

  return { service, store, outbox, scheduler, notifier, people, provider, clock, policy, deliverChat, runGrants };
}

export type MemoryCore = ReturnType<typeof memoryCore>;
