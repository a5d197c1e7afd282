import type { TokenCredential } from '@azure/identity';
import type { Policy } from '../access/policy';
import type { AccessProvider, GrantLedger } from '../access/ports';
import type { Env } from '../config/env';
import type { Clock } from '../lib/clock';
import type { AwsStsConfig } from './aws-sts';

export interface CloudOverrides {
  awsCredentials?: AwsStsConfig['credentials'];
  azureCredential?: TokenCredential;
  azureTlsCa?: string;
  /** Tests: trust the Google fakes' certificate. */
  gcpTlsCa?: string;
  /** Tests: how often Identity Center's asynchronous operations are read (ms between reads). */
  awsSsoPollDelaysMs?: number[];
}

/**
 * The cloud providers the policy's roles use, built from the environment (none when no role
 * needs them). Each cloud's modules are loaded only when a role uses it: the AWS, Azure and
 * Google SDKs are tens of MB each in every process that loads them.
 */
export async function cloudProviders(
  env: Env,
  policy: Policy,
  clock: Clock,
  ledger: GrantLedger,
  overrides: CloudOverrides = {},
): Promise<AccessProvider[]> {
  const used = new Set(policy.roles.map((r) => r.provider));
  const providers: AccessProvider[] = [];
  if (used.has('aws')) {
    const [{ AwsAccounts }, { CloudTrailActivity }, { AwsStsProvider }] = await Promise.all([
      import('./aws-accounts'),
      import('./aws-activity'),
      import('./aws-sts'),
    ]);
    // IAM and STS's global endpoint live in us-east-1; a region only matters for regional STS.
    const region = env.AWS_REGION ?? 'us-east-1';
    const accounts = new AwsAccounts({
      region,
      stsEndpoint: env.AWS_ENDPOINT_URL_STS,
      credentials: overrides.awsCredentials,
      settings: policy.aws,
    });
    providers.push(
      new AwsStsProvider({
        region,
        stsEndpoint: env.AWS_ENDPOINT_URL_STS,
        iamEndpoint: env.AWS_ENDPOINT_URL_IAM,
        federationUrl: env.JIT_AWS_FEDERATION_URL,
        credentials: overrides.awsCredentials,
        activity: new CloudTrailActivity({
          regions: policy.activity.aws_regions ?? [region],
          endpoint: env.AWS_ENDPOINT_URL_CLOUDTRAIL,
          credentials: overrides.awsCredentials,
          accounts,
        }),
        accounts,
        clock,
      }),
    );
  }
  if (used.has('aws-sso')) {
    const [{ IdentityCenter }, { AwsSsoProvider }] = await Promise.all([import('./aws-identity-center'), import('./aws-sso')]);
    const center = new IdentityCenter({
      region: policy.aws.identity_center.region ?? env.AWS_REGION ?? 'us-east-1',
      ssoAdminEndpoint: env.AWS_ENDPOINT_URL_SSO_ADMIN,
      identityStoreEndpoint: env.AWS_ENDPOINT_URL_IDENTITYSTORE,
      credentials: overrides.awsCredentials,
      pollDelaysMs: overrides.awsSsoPollDelaysMs,
    });
    providers.push(new AwsSsoProvider({ center, ledger, portalUrl: policy.aws.identity_center.portal_url, clock }));
  }
  if (used.has('azure')) {
    const [{ DefaultAzureCredential }, { AzureActivityLog }, { AzureRbacProvider }] = await Promise.all([
      import('@azure/identity'),
      import('./azure-activity'),
      import('./azure-rbac'),
    ]);
    const credential = overrides.azureCredential ?? new DefaultAzureCredential();
    providers.push(
      new AzureRbacProvider({
        credential,
        endpoint: env.AZURE_ARM_ENDPOINT,
        subscriptionId: env.AZURE_SUBSCRIPTION_ID,
        tlsCa: overrides.azureTlsCa,
        activity: new AzureActivityLog({ credential, endpoint: env.AZURE_ARM_ENDPOINT, tlsCa: overrides.azureTlsCa }),
        clock,
      }),
    );
  }
  if (used.has('gcp')) {
    const [{ GcpIamPolicies }, { GcpIamProvider }] = await Promise.all([import('./gcp-iam-policies'), import('./gcp-iam')]);
    const policies = new GcpIamPolicies({
      endpoint: env.JIT_GCP_ENDPOINT,
      keyFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      tlsCa: overrides.gcpTlsCa,
    });
    providers.push(new GcpIamProvider(policies));
  }
  return providers;
}
