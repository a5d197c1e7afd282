import { realCredentialsIn, startTeamsPlayground } from '../../../scripts/teams-playground';

describe('npm run teams:playground', () => {
  it('refuses to start beside real Microsoft, Slack or cloud credentials, naming them, before it starts anything', async () => {
    await expect(startTeamsPlayground({ env: { MICROSOFT_APP_PASSWORD: 'secret', AWS_PROFILE: 'prod' } })).rejects.toThrow(
      'The Teams playground runs with no real account, and MICROSOFT_APP_PASSWORD, AWS_PROFILE are set.',
    );
    expect(
      realCredentialsIn({ SLACK_BOT_TOKEN: 'xoxb-1', GOOGLE_APPLICATION_CREDENTIALS: '/k.json', PATH: '/bin', AWS_REGION: 'eu-west-1' }),
    ).toEqual(['SLACK_BOT_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS']);
    expect(realCredentialsIn({ AWS_REGION: 'eu-west-1', REDIS_URL: 'redis://x' })).toEqual([]);
  });
});
