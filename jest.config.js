/**
 * Jest runs TypeScript through ts-jest in transpile-only mode (fast; type checking is
 * `npm run typecheck`), with the project's tsconfig: legacy decorators and decorator
 * metadata, which type-graphql and TypeORM read at runtime.
 * The three tiers live in test/unit, test/integration and test/e2e.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 30000,
  // Two cores: two workers keep PGlite start-up from starving the event loop.
  maxWorkers: 2,
};
