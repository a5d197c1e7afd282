import { ProviderError } from '../access/model/errors';

interface AwsServiceError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'RegionDisabledException',
]);
const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException']);
const MALFORMED = new Set([
  'ValidationError',
  'MalformedPolicyDocument',
  'MalformedPolicyDocumentException',
  'PackedPolicyTooLarge',
  'InvalidParameterValue',
  'InvalidInput',
  'ValidationException',
]);
/** Identity Center answers 400 ConflictException while another change of the same thing is propagating; AWS says to retry. */
const TRANSIENT = new Set(['ConflictException']);

/**
 * Turns an AWS SDK failure into a ProviderError. Throttling, 5xx and network faults
 * are transient (the job retries); denials, unknown entities and malformed input are
 * permanent and carry `fix`, which says what a person has to change.
 */
export function awsProviderError(e: unknown, what: string, fix: { denied: string; notFound?: string; malformed?: string }): ProviderError {
  const err = (e ?? {}) as AwsServiceError;
  const name = err.name ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  const detail = `${name}: ${err.message ?? String(e)}`;
  if (name === 'CredentialsProviderError')
    return new ProviderError(
      `jitbot has no AWS credentials for ${what} (${detail}). Fix: give the bot credentials the usual AWS way (env, profile, instance or container role); see docs/clouds.md.`,
      true,
    );
  if (DENIED.has(name)) return new ProviderError(`AWS refused ${what} (${detail}). ${fix.denied}`, true);
  if (NOT_FOUND.has(name)) return new ProviderError(`AWS found nothing for ${what} (${detail}). ${fix.notFound ?? fix.denied}`, true);
  if (MALFORMED.has(name))
    return new ProviderError(
      `AWS rejected ${what} as invalid (${detail}). ${fix.malformed ?? 'Check the role settings in the policy file.'}`,
      true,
    );
  const clientFault =
    !TRANSIENT.has(name) &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    status !== 429 &&
    !/Throttl|TooManyRequests|RequestLimitExceeded/.test(name);
  if (clientFault) return new ProviderError(`AWS rejected ${what} (${detail}). ${fix.denied}`, true);
  return new ProviderError(`AWS did not answer ${what} (${detail}); will retry.`, false);
}
