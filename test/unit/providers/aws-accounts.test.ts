import { accountOf, sharedUntilExpiry } from '../../../src/providers/aws-accounts';

const creds = (minutesLeft: number, n: number) => ({
  accessKeyId: `ASIA${n}`,
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date(Date.now() + minutesLeft * 60_000),
});

describe('manager role credentials (providers/aws-accounts.ts)', () => {
  it('are assumed once and shared while they have more than a few minutes left', async () => {
    let assumed = 0;
    const get = sharedUntilExpiry(async () => creds(60, ++assumed));
    const [a, b] = await Promise.all([get(), get()]);
    expect((await get()).accessKeyId).toBe('ASIA1');
    expect([a.accessKeyId, b.accessKeyId, assumed]).toEqual(['ASIA1', 'ASIA1', 1]);
  });

  it('are assumed again shortly before they expire', async () => {
    let assumed = 0;
    const get = sharedUntilExpiry(async () => creds(4, ++assumed));
    await get();
    expect((await get()).accessKeyId).toBe('ASIA2');
  });

  it('after a failed attempt, the next call tries again', async () => {
    let calls = 0;
    const get = sharedUntilExpiry(async () => {
      if (++calls === 1) throw new Error('AccessDenied');
      return creds(60, calls);
    });
    await expect(get()).rejects.toThrow('AccessDenied');
    expect((await get()).accessKeyId).toBe('ASIA2');
  });

  it('reads the account of a role ARN', () => {
    expect(accountOf('arn:aws:iam::222233334444:role/path/ProdRead')).toBe('222233334444');
  });
});
