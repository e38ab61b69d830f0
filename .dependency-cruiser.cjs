/**
 * The layer rules of docs/architecture.md, checked by `npm test`: imports point inward
 * (domain ← policy ← store ← services ← shell ← api | web | cli ← app, server), shells never
 * reach the store, and no shell imports another.
 */
const layer = (name, path, mayNotImport) => ({
  name,
  severity: 'error',
  comment: `${path} may not import ${mayNotImport}: see docs/architecture.md`,
  from: { path },
  to: { path: mayNotImport },
});

module.exports = {
  forbidden: [
    layer('domain-is-pure', '^src/domain/', '^src/(?!domain/|errors\\.ts$)'),
    layer('policy-inward', '^src/policy/', '^src/(api|web|cli|shell|services|store|app|server|config)'),
    layer('store-inward', '^src/store/', '^src/(api|web|cli|shell|services|app\\.ts|server\\.ts)'),
    layer('services-inward', '^src/services/', '^src/(api|web|cli|shell|app\\.ts|server\\.ts)'),
    layer('shell-inward', '^src/shell/', '^src/(api|web|cli|store|app\\.ts|server\\.ts)'),
    layer('shells-not-to-store', '^src/(api|web|cli|app\\.ts|server\\.ts)', '^src/store/'),
    layer('api-not-to-other-shells', '^src/api/', '^src/(web|cli|app\\.ts|server\\.ts)'),
    layer('web-not-to-other-shells', '^src/web/', '^src/(api|cli|app\\.ts|server\\.ts)'),
    // The CLI's `serve` command starts the server process: the one import of the composition root.
    layer('cli-not-to-other-shells', '^src/cli/', '^src/(api|web|app\\.ts)'),
    // The witness (`credence witness serve`) is its own shell and its own process: an independent party runs it,
    // so it never reaches the registry's store, shells or composition root, and they never reach it.
    layer('witness-is-its-own-shell', '^src/witness/', '^src/(api|web|cli|shell|store|app\\.ts|server\\.ts)'),
    layer(
      'only-the-cli-reaches-the-witness',
      '^src/(api|web|shell|services|store|policy|domain|app\\.ts|server\\.ts)',
      '^src/witness/',
    ),
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle ties two modules into one: split what both need into a third',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'src-not-to-dev-dependencies',
      severity: 'error',
      comment: 'the server runs with production dependencies only',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
