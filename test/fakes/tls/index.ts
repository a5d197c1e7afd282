import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cloud fakes' https certificate (README.md here): the runtime under test trusts it as a CA. */
export const FAKE_CLOUD_CERT = readFileSync(join(__dirname, 'fake-cloud.crt'), 'utf8');
export const FAKE_CLOUD_KEY = readFileSync(join(__dirname, 'fake-cloud.key'), 'utf8');
