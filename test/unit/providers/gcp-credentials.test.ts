import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GcpIamPolicies } from '../../../src/providers/gcp-iam-policies';

/** A bad GOOGLE_APPLICATION_CREDENTIALS stops start-up naming the variable, the file and the fault. */
describe('Google Cloud credentials file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jitbot-gcp-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return () => new GcpIamPolicies({ endpoint: 'https://cloudresourcemanager.googleapis.com', keyFile: path });
  };

  it('names a file it cannot read', () => {
    const path = join(dir, 'missing.json');
    expect(() => new GcpIamPolicies({ endpoint: 'https://x', keyFile: path })).toThrow(
      `GOOGLE_APPLICATION_CREDENTIALS=${path}: cannot read it (ENOENT).`,
    );
  });

  it('refuses a file that is not JSON, or has no type', () => {
    expect(withFile('notes.txt', 'hello')).toThrow('not a JSON credentials file');
    expect(withFile('typeless.json', '{"client_email":"a@b"}')).toThrow('has no "type"; is it a service-account key file?');
  });

  it('refuses a service-account key without its private key, naming the field', () => {
    expect(withFile('cut.json', JSON.stringify({ type: 'service_account', client_email: 'jitbot@p.iam.gserviceaccount.com' }))).toThrow(
      'not a usable service-account key (private_key:',
    );
  });

  it('leaves a workload identity federation file to Application Default Credentials', () => {
    expect(withFile('federation.json', JSON.stringify({ type: 'external_account', audience: '//iam.googleapis.com/x' }))).not.toThrow();
  });
});
