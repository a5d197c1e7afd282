import { retryPolicies, WebClient, type WebClientOptions } from '@slack/web-api';

/** Web API options shared by Bolt's client and ours: the API base (fakes in tests) and retries. */
export function slackClientOptions(apiUrl?: string): WebClientOptions {
  return { slackApiUrl: apiUrl ? apiUrl.replace(/\/?$/, '/') : undefined, retryConfig: retryPolicies.fiveRetriesInFiveMinutes };
}

/** The client the notifier and directory use; it exists before the Bolt app, which needs the service. */
export function createSlackClient(botToken: string, apiUrl?: string): WebClient {
  return new WebClient(botToken, slackClientOptions(apiUrl));
}
