import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { parseCommand } from '../../../../src/chat/command';
import { buildTeamsPackage } from '../../../../scripts/teams-package';

describe('Teams app package', () => {
  const appId = '00000000-0000-4000-8000-00000000b07a';

  it('holds the manifest with the app id filled in, and both icons at their sizes', async () => {
    const zip = await JSZip.loadAsync(await buildTeamsPackage(appId));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    for (const [file, size] of [
      ['color.png', 192],
      ['outline.png', 32],
    ] as const) {
      const png = PNG.sync.read(await zip.file(file)!.async('nodebuffer'));
      expect([png.width, png.height]).toEqual([size, size]);
    }
  });

  it('lists only commands the shared grammar understands', async () => {
    const zip = await JSZip.loadAsync(await buildTeamsPackage(appId));
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    const titles: string[] = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(['request', 'list', 'pending', 'roles', 'whoami', 'revoke', 'cancel', 'help']);
    for (const title of titles)
      expect(parseCommand(`${title}${['revoke', 'cancel'].includes(title) ? ' R-ABCD1234' : ''}`).kind).toBe(title);
  });

  it('refuses an app id that is not a GUID, naming the variable', async () => {
    await expect(buildTeamsPackage('my-bot')).rejects.toThrow(/MICROSOFT_APP_ID must be/);
  });
});
