/**
 * Jest runs TypeScript through SWC (fast on two cores) with legacy decorators and
 * decorator metadata, which type-graphql and TypeORM read at runtime.
 * The three tiers live in test/unit, test/integration and test/e2e.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 30000,
  // Two cores: two workers keep PGlite start-up from starving the event loop.
  maxWorkers: 2,
};
