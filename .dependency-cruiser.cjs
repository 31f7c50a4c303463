/**
 * The folder rules (DESIGN.md section 3), checked in the test run by test/unit/folder-rules.test.ts and by hand with
 * `npx depcruise --config .dependency-cruiser.cjs shared functions containers local infra bench`.
 */
const services = '(api|evaluator|settlement|browser-jobs|sessions|execution)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'shared/domain holds rules only: no I/O, no clock, no env. It may use the contracts and pure npm maths.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: {
        path: `^(shared/(adapters|ports|config|${services})|functions|containers|local|infra|bench|test)/`,
      },
    },
    {
      name: 'domain-no-io-modules',
      comment: 'No Node core module and no npm package with I/O in the domain (zod and @stdlib maths are pure).',
      severity: 'error',
      from: { path: '^shared/(domain|contracts)/' },
      to: { dependencyTypes: ['core', 'npm'], pathNot: ['^node:crypto$', '^crypto$', 'node_modules/(zod|@stdlib)/'] },
    },
    {
      name: 'functions-stand-alone',
      comment: 'A Lambda imports no other Lambda, no container and nothing of local mode.',
      severity: 'error',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^(functions|containers|local)/', pathNot: '^functions/$1/' },
    },
    {
      name: 'containers-stand-alone',
      comment: 'An ECS service imports no other service, no Lambda and nothing of local mode.',
      severity: 'error',
      from: { path: '^containers/([^/]+)/' },
      to: { path: '^(functions|containers|local)/', pathNot: '^containers/$1/' },
    },
    {
      name: 'adapters-no-services',
      comment: 'Adapters implement ports; they never import the application services that use them.',
      severity: 'error',
      from: { path: '^shared/adapters/' },
      to: { path: `^shared/${services}/` },
    },
    {
      name: 'services-through-ports',
      comment:
        'Application services reach Postgres only through the ports they declare (shared/ports), never the driver or its adapters.',
      severity: 'error',
      from: { path: '^shared/(api|evaluator|settlement|execution)/' },
      to: { path: '^(shared/adapters/pg/|node_modules/(@types/)?pg/)' },
    },
    {
      name: 'shared-not-on-its-users',
      comment: 'shared/ is used by the Lambdas, the containers and local mode, never the other way round.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|containers|local|infra|bench|test)/' },
    },
    {
      name: 'infra-no-app-code',
      comment: 'The CDK app names entry paths and shares config; it imports no application code.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: `^(functions|containers|local|shared/(domain|adapters|ports|contracts|${services}))/` },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'], conditionNames: ['import', 'node', 'default'] },
  },
};
