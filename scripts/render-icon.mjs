// Renders build/icon.svg to the 512x512 build/icon.png that electron-builder turns into every
// platform's icon. Run once after editing the SVG: node scripts/render-icon.mjs
// Uses the Debian Chromium that the browser tests drive (CHROMIUM_PATH to use another).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { chromium } from 'playwright-core';

const buildDir = join(import.meta.dirname, '..', 'build');
const size = 512;
const svg = await readFile(join(buildDir, 'icon.svg'), 'utf8');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(`<body style="margin:0;background:transparent">${svg}</body>`);
  await page.locator('svg').screenshot({ path: join(buildDir, 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
process.stdout.write(`wrote ${join(buildDir, 'icon.png')} (${size}x${size})\n`);
