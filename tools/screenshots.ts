/**
 * `npx node tools/screenshots.ts`: the README's screenshots of the portal in Chinese, on screen at 1280 px and as
 * printed (print media, the first A4 page). Runs the browser test that takes them (test/web-portal-print.test.ts,
 * through the test harness, which starts PostgreSQL; Debian's Chromium is needed) and copies them to
 * docs/screenshots/.
 */

import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';

const SHOTS = { 'readme-portal-zh.png': 'portal-zh.png', 'readme-portal-print-zh.png': 'portal-print-zh.png' };

execFileSync(process.execPath, ['test/run.ts', 'test/web-portal-print.test.ts'], { stdio: 'inherit' });
for (const [taken, shown] of Object.entries(SHOTS)) {
  copyFileSync(`test-results/screenshots/${taken}`, `docs/screenshots/${shown}`);
  process.stdout.write(`docs/screenshots/${shown}\n`);
}
