import { ChatDeliveryError } from '../access/model/errors';

/**
 * Slack's answers that mean the message, channel or person is gone for good: retrying
 * cannot help (the card is marked stale, the notice audited as failed).
 */
const SLACK_GONE = new Set([
  'message_not_found',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'account_inactive',
  'cant_update_message',
  'user_not_found',
  'user_disabled',
  'thread_not_found',
  'edit_window_closed',
  'msg_too_long',
  'invalid_blocks',
]);

/** How long to wait when a rate limit names no time. */
const DEFAULT_RETRY_AFTER_MS = 30_000;

type PlatformError = {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  response?: { headers?: { get?: (name: string) => string | null | undefined } };
  message?: string;
};

/**
 * A failed Slack or Teams call as the core's ChatDeliveryError: permanent when the
 * platform says the target is gone (Slack's errors above; Teams 403/404), with the wait a
 * rate limit asked for (Slack's `retryAfter`, Teams' `Retry-After`), transient otherwise
 * (5xx, timeouts, connections refused).
 */
export function chatFailure(e: unknown): ChatDeliveryError {
  if (e instanceof ChatDeliveryError) return e;
  const err = (e ?? {}) as PlatformError;
  const message = err.message ?? String(e);
  if (err.code === 'slack_webapi_platform_error')
    return new ChatDeliveryError(`Slack answered ${err.data?.error ?? 'an error'}`, SLACK_GONE.has(err.data?.error ?? ''));
  if (err.code === 'slack_webapi_rate_limited_error')
    return new ChatDeliveryError('Slack rate limit', false, (err.retryAfter ?? DEFAULT_RETRY_AFTER_MS / 1000) * 1000);
  if (err.statusCode === 403 || err.statusCode === 404) return new ChatDeliveryError(`Teams answered ${err.statusCode}: ${message}`, true);
  if (err.statusCode === 429) {
    const after = Number(err.response?.headers?.get?.('retry-after'));
    return new ChatDeliveryError('Teams rate limit', false, Number.isFinite(after) && after > 0 ? after * 1000 : DEFAULT_RETRY_AFTER_MS);
  }
  return new ChatDeliveryError(message, false);
}

/** Runs a chat call, turning its failure into a ChatDeliveryError. */
export async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw chatFailure(e);
  }
}
