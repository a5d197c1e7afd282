import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * Draws the two icons Teams requires (color 192×192, outline 32×32 white on
 * transparent): a key, so nobody has to commit binary art they cannot regenerate.
 * Run: `npx tsx scripts/teams-icons.ts`.
 */
type Pixel = [number, number, number, number];

function draw(size: number, at: (x: number, y: number) => Pixel): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (size * y + x) << 2;
      png.data.set(at(x / size, y / size), i);
    }
  }
  return PNG.sync.write(png);
}

/** A key in unit coordinates: a ring at the left, a shaft and two teeth to the right. */
function isKey(x: number, y: number): boolean {
  const r = Math.hypot(x - 0.32, y - 0.5);
  const ring = r < 0.2 && r > 0.09;
  const shaft = x > 0.48 && x < 0.86 && Math.abs(y - 0.5) < 0.05;
  const teeth = (x > 0.66 && x < 0.72 && y > 0.5 && y < 0.66) || (x > 0.78 && x < 0.84 && y > 0.5 && y < 0.62);
  return ring || shaft || teeth;
}

const dir = join(__dirname, '..', 'manifests', 'teams');
writeFileSync(
  join(dir, 'color.png'),
  draw(192, (x, y) => (isKey(x, y) ? [255, 255, 255, 255] : [70, 71, 117, 255])),
);
writeFileSync(
  join(dir, 'outline.png'),
  draw(32, (x, y) => (isKey(x, y) ? [255, 255, 255, 255] : [0, 0, 0, 0])),
);
console.log(`icons written to ${dir}`);
