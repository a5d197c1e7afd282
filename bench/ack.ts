import autocannon from 'autocannon';
import { slackSignature } from '../src/sandbox/signed-requests';
import { waitFor } from '../test/helpers/wait';
import { ONE_APPROVER_ROLE, requester } from './policy';
import { SIGNING_SECRET, type BenchStack } from './stack';
import { summarise, type Summary } from './stats';

export interface AckFigures extends Summary {
  rate: number;
  seconds: number;
  /** Responses that were not 2xx, and requests that failed or timed out (all should be 0). */
  non2xx: number;
  errors: number;
}

/** A slash command as Slack sends it: form-encoded and freshly signed. */
function slashCommandRequest(
  i: number,
  responseUrl: string,
  text = `request ${ONE_APPROVER_ROLE} 30m bench load`,
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 'unused',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: requester(i),
    user_name: requester(i).toLowerCase(),
    command: '/jit',
    text,
    api_app_id: 'A0JITBOT',
    response_url: responseUrl,
    trigger_id: `trigger-${i}`,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
  };
}

/** Numbers every request of the run, so each comes from a new person (a repeat would be refused as a duplicate). */
let nextRequest = 0;

/**
 * Sends `/jit request` at a fixed rate for `seconds` with autocannon, each request
 * signed afresh, and returns the acknowledgement latency of every response (the
 * response time autocannon reports per request, in fractional milliseconds).
 */
export async function loadSlashCommands(
  eventsUrl: string,
  rate: number,
  seconds: number,
  responseUrl: (i: number) => string,
): Promise<AckFigures> {
  const latencies: number[] = [];
  let finish!: (result: autocannon.Result) => void;
  let fail!: (e: Error) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  const instance = autocannon(
    {
      url: eventsUrl,
      connections: Math.max(10, Math.ceil(rate / 10)),
      overallRate: rate,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const i = nextRequest++;
            return { ...req, ...slashCommandRequest(i, responseUrl(i)) };
          },
        },
      ],
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await done;
  return { rate, seconds, ...summarise(latencies), non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** Waits until jitbot has filed every acknowledged request (its work after the ack), so the next rate starts clean. */
export async function waitForFiled(stack: BenchStack, expected: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await stack.pg<Array<{ n: number }>>`select count(*)::int as n from access_requests`;
      return row!.n >= expected;
    },
    `${expected} requests filed`,
    timeoutMs,
    200,
  );
}

/**
 * A burst: `count` signed `/jit <text>` commands sent at once (each its own connection, as
 * Slack's retries and a busy workspace arrive), and the acknowledgement latency of each.
 */
export async function burstSlashCommands(
  eventsUrl: string,
  count: number,
  text: string,
  responseUrl: (i: number) => string,
): Promise<AckFigures> {
  const requests = Array.from({ length: count }, () => nextRequest++).map((i) => slashCommandRequest(i, responseUrl(i), text));
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const latencies = await Promise.all(
    requests.map(async ({ body, headers }) => {
      const sent = performance.now();
      try {
        const response = await fetch(eventsUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status < 200 || response.status >= 300) non2xx++;
        return performance.now() - sent;
      } catch {
        errors++;
        return undefined;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: count, seconds, ...summarise(latencies.filter((ms): ms is number => ms !== undefined)), non2xx, errors };
}
