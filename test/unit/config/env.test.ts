import { EnvError, parseEnv } from '../../../src/config/env';

describe('environment', () => {
  it('has the documented defaults', () => {
    expect(parseEnv({})).toMatchObject({
      PORT: 3000,
      JIT_DATA_DIR: './.jitbot',
      REDIS_URL: 'redis://127.0.0.1:6379',
      JIT_POLICY_FILE: './policy.yaml',
      LOG_LEVEL: 'info',
    });
  });

  it('treats empty values as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', PORT: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names each bad variable and what is wrong', () => {
    expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JIT_RECONCILE_EVERY: 'soon' });
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('PORT:');
      expect(message).toContain('DATABASE_URL: must start with postgres://');
      expect(message).toContain('JIT_RECONCILE_EVERY: "soon" is not a duration');
    }
  });

  it('checks Slack variables together', () => {
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: is required/);
    expect(() => parseEnv({ SLACK_SIGNING_SECRET: 's' })).toThrow(/SLACK_BOT_TOKEN: is required/);
    expect(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe('xapp-1');
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toThrow(/SLACK_APP_TOKEN: must be an app-level token/);
  });

  it('checks Teams variables together, naming the one to fix', () => {
    const appId = '00000000-0000-4000-8000-000000000001';
    const tenant = '00000000-0000-4000-8000-0000000000aa';
    expect(() => parseEnv({ MICROSOFT_APP_PASSWORD: 'secret' })).toThrow(/MICROSOFT_APP_ID: is required when Teams is configured/);
    expect(() => parseEnv({ MICROSOFT_APP_ID: 'my-bot' })).toThrow(/MICROSOFT_APP_ID: must be the Azure Bot's Microsoft App id/);
    expect(() => parseEnv({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_TENANT_ID: tenant })).toThrow(
      /MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID when MICROSOFT_APP_TYPE is SingleTenant/,
    );
    expect(() => parseEnv({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'secret' })).toThrow(
      /MICROSOFT_APP_TENANT_ID: is required when MICROSOFT_APP_TYPE is SingleTenant/,
    );
    expect(() => parseEnv({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_TYPE: 'Global' })).toThrow(/MICROSOFT_APP_TYPE:/);
    expect(
      parseEnv({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TYPE: 'MultiTenant' }).MICROSOFT_APP_TYPE,
    ).toBe('MultiTenant');
    expect(
      parseEnv({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: tenant }).MICROSOFT_APP_PASSWORD,
    ).toBeUndefined();
  });
});
