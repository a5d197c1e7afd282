import { ProviderError } from '../access/model/errors';

interface ArmError {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
}

/** What a person must fix for each permanent ARM error code. */
const FIXES: Record<string, string> = {
  AuthorizationFailed: "Fix: give the bot's identity the custom role in manifests/azure-bot-role.json at this scope.",
  LinkedAuthorizationFailed: "Fix: give the bot's identity the custom role in manifests/azure-bot-role.json at this scope.",
  PrincipalNotFound:
    'Fix: the Entra object id mapped to this user (users.<id>.azure_object_id in the policy file) does not exist in the tenant.',
  InvalidPrincipalId: "Fix: users.<id>.azure_object_id in the policy file must be the user's Entra object id (a GUID).",
  RoleDefinitionDoesNotExist: 'Fix: azure.role_definition_id of the role names no role definition at this scope.',
  InvalidRoleDefinitionId: 'Fix: azure.role_definition_id must be a role definition GUID or its full resource id.',
  InvalidResourceGroup: 'Fix: azure.scope names a resource group that does not exist.',
  ResourceGroupNotFound: 'Fix: azure.scope names a resource group that does not exist.',
  SubscriptionNotFound: 'Fix: azure.scope names a subscription the bot cannot see.',
  InvalidAuthenticationToken:
    "Fix: the bot's Azure credentials (AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET or managed identity) are wrong.",
  RoleAssignmentExists:
    'The user already holds this role at this scope through an assignment jitbot did not make; remove it or use a narrower role.',
  RoleAssignmentRequestPolicyValidationFailed:
    "Fix: the PIM policy of this role at this scope refuses the request (maximum duration, justification or approval rules); adjust it or the role's max_duration.",
};

/**
 * Turns an Azure SDK failure into a ProviderError: 408, 429, 5xx and network faults
 * are transient (the SDK already retried them; the job retries again), other answers
 * are permanent with what to fix.
 */
export function armProviderError(e: unknown, what: string): ProviderError {
  const err = (e ?? {}) as ArmError;
  const status = err.statusCode;
  const detail = `${err.code ?? err.name ?? 'Error'}: ${err.message ?? String(e)}`;
  const transient = status === undefined || status === 408 || status === 429 || status >= 500;
  if (transient) return new ProviderError(`Azure did not answer ${what} (${detail}); will retry.`, false);
  const fix =
    (err.code && FIXES[err.code]) ??
    (status === 401 || status === 403 ? FIXES.AuthorizationFailed : "Check the role's azure settings in the policy file.");
  return new ProviderError(`Azure refused ${what} (${detail}). ${fix}`, true);
}

/** Whether a delete or remove failed only because the assignment is already gone. */
export function isGone(e: unknown): boolean {
  const err = (e ?? {}) as ArmError;
  return err.statusCode === 404 || err.code === 'RoleAssignmentDoesNotExist' || err.code === 'RoleAssignmentNotFound';
}
