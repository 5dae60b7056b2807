/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 60000,
  // One worker per CPU: the browser tests wait on Chromium's own processes and the database tests
  // on PostgreSQL, so one worker on a 2-core machine left a third of it idle (703 s → 356 s with two).
  maxWorkers: process.env.JEST_WORKERS || '100%',
}
