import { WebClient, type WebClientOptions } from '@slack/web-api';

/**
 * Web API options shared by Bolt's client and ours: the API base (fakes in tests), a short
 * timeout and two quick retries. Nothing waits minutes on Slack: owed work that still fails
 * goes back to the chat queue (its own backoff), and a rate limit is an error that says how
 * long to wait (the queue waits, no worker slot does).
 */
export function slackClientOptions(apiUrl?: string): WebClientOptions {
  return {
    slackApiUrl: apiUrl ? apiUrl.replace(/\/?$/, '/') : undefined,
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    rejectRateLimitedCalls: true,
  };
}

/** The client the notifier and directory use; it exists before the Bolt app, which needs the service. */
export function createSlackClient(botToken: string, apiUrl?: string): WebClient {
  return new WebClient(botToken, slackClientOptions(apiUrl));
}
