/**
 * `npm run check`: no line of source, test, bench or docs code over 120 characters. Biome's
 * formatter wraps code at 120 but leaves long strings, templates and comments alone; this finds
 * them. Prints each offending line as file:line (length) and exits 1 if there is any.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.js', '*.cjs'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && !file.startsWith('node_modules/'));

let over = 0;
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    const length = [...line].length;
    if (length > MAX) {
      over += 1;
      process.stdout.write(`${file}:${i + 1} (${length} characters)\n`);
    }
  });
}
if (over > 0) {
  process.stdout.write(`${over} lines over ${MAX} characters: wrap them (strings can be joined, comments re-flowed)\n`);
  process.exitCode = 1;
}
