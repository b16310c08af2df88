// Renders assets/icon.svg to the PNG and ICO that electron-builder packs:
//   node assets/make-icons.mjs   (needs Debian's chromium and imagemagick)
// Chromium draws the SVG (ImageMagick's own SVG renderer is rough); ImageMagick makes the ICO.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new globalThis.URL('.', import.meta.url));
const svg = readFileSync(`${here}icon.svg`, 'utf8');
const png = `${here}icon.png`;
const ico = `${here}icon.ico`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
await page.setContent(`<body style="margin:0;background:transparent">${svg}</body>`);
await page.locator('svg').screenshot({ path: png, omitBackground: true });
await browser.close();

execFileSync('/usr/bin/convert', [png, '-define', 'icon:auto-resize=256,128,64,48,32,16', ico]);
process.stdout.write(`wrote ${png} and ${ico}\n`);
