#!/usr/bin/env node
// Entry point for `credence` and `npm start`. Node 24 runs the TypeScript sources directly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `credence needs Node.js 24 or later (this is ${process.version}); ` +
      "run it through npm (npm start, npx credence) to use the project's pinned Node.\n",
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
