import { ProviderError } from '../access/model/errors';

/** What gaxios (google-auth-library's HTTP client) throws: the answer's status and Google's error body. */
interface GaxiosLikeError {
  message?: string;
  code?: string | number;
  status?: number;
  response?: {
    status?: number;
    data?: { error?: { code?: number; message?: string; status?: string } | string; error_description?: string };
  };
}

const BOT_ROLE = "Fix: bind the bot's service account to the custom role jitbotGranter (manifests/gcp/) on this resource.";

/** What a person must fix for each permanent answer (google.rpc.Code names). */
const FIXES: Record<string, string> = {
  PERMISSION_DENIED: `${BOT_ROLE} A resource that does not exist answers the same way: check gcp.resource.`,
  NOT_FOUND: 'Fix: gcp.resource names no project, folder or organization the bot can see.',
  UNAUTHENTICATED:
    "Fix: the bot's Google credentials (GOOGLE_APPLICATION_CREDENTIALS or the workload identity) were refused; create a new key or check the binding.",
  INVALID_ARGUMENT:
    "Fix: check the role's gcp.role and the member (the user's e-mail, or users.<id>.gcp_member in the policy file): Google refused the binding.",
  FAILED_PRECONDITION: "Fix: the resource's IAM policy cannot take this binding (an organization policy may restrict members).",
  invalid_grant: 'Fix: the service-account key in GOOGLE_APPLICATION_CREDENTIALS is disabled, deleted or not valid; create a new one.',
  invalid_client: 'Fix: the service-account key in GOOGLE_APPLICATION_CREDENTIALS is disabled, deleted or not valid; create a new one.',
  unauthorized_client: "Fix: the service account may not ask for the cloud-platform scope; check the key's account.",
};

function statusOf(err: GaxiosLikeError): number | undefined {
  return err.response?.status ?? err.status ?? (typeof err.code === 'number' ? err.code : undefined);
}

/** Google's error name: `PERMISSION_DENIED` from an API, `invalid_grant` from the token endpoint. */
function reasonOf(err: GaxiosLikeError): string | undefined {
  const body = err.response?.data?.error;
  return typeof body === 'string' ? body : body?.status;
}

/**
 * Turns a Google API failure into a ProviderError: no answer, 408, 429 and 5xx are
 * transient (the client already retried them; the job retries again), other answers
 * are permanent with what to fix.
 */
export function gcpProviderError(e: unknown, what: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = (e ?? {}) as GaxiosLikeError;
  const status = statusOf(err);
  const reason = reasonOf(err);
  const body = err.response?.data?.error;
  const detail = `${reason ?? status ?? err.code ?? 'Error'}: ${(typeof body === 'object' && body.message) || err.response?.data?.error_description || err.message || String(e)}`;
  if (status === undefined || status === 408 || status === 429 || status >= 500)
    return new ProviderError(`Google Cloud did not answer ${what} (${detail}); will retry.`, false);
  const fix =
    (reason && FIXES[reason]) ??
    (status === 401 ? FIXES.UNAUTHENTICATED : status === 403 ? FIXES.PERMISSION_DENIED : FIXES.INVALID_ARGUMENT);
  return new ProviderError(`Google Cloud refused ${what} (${detail}). ${fix}`, true);
}

/** setIamPolicy's answer when the etag it carried is stale: someone changed the policy since it was read. */
export function isConcurrentChange(e: unknown): boolean {
  const err = (e ?? {}) as GaxiosLikeError;
  return statusOf(err) === 409 || reasonOf(err) === 'ABORTED';
}
