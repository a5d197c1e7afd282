import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import JSZip from 'jszip';
import { z } from 'zod';

const MANIFEST_DIR = join(__dirname, '..', 'manifests', 'teams');
const FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

/**
 * The Teams app package (what "Upload a custom app" takes): the manifest with the
 * bot's app id filled in, and the two icons, at the root of a zip.
 */
export async function buildTeamsPackage(appId: string): Promise<Buffer> {
  const id = z.guid().safeParse(appId);
  if (!id.success) throw new Error(`MICROSOFT_APP_ID must be the Azure Bot's Microsoft App id (a GUID); got "${appId}".`);
  const zip = new JSZip();
  for (const file of FILES) {
    const content = readFileSync(join(MANIFEST_DIR, file));
    // A fixed date keeps the zip byte-identical for the same inputs.
    const options = { date: new Date('2026-01-01T00:00:00Z') };
    zip.file(file, file === 'manifest.json' ? content.toString('utf8').replaceAll('${{MICROSOFT_APP_ID}}', id.data) : content, options);
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** `npm run teams:package` — writes dist/jitbot-teams.zip for MICROSOFT_APP_ID. */
async function main(): Promise<void> {
  const out = process.argv[2] ?? join(__dirname, '..', 'dist', 'jitbot-teams.zip');
  const zip = await buildTeamsPackage(process.env.MICROSOFT_APP_ID ?? '');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(`Teams app package written to ${out}: upload it in Teams (Apps → Manage your apps → Upload an app).`);
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
