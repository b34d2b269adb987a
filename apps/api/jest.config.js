// Unit and integration tests of the api: real Redis (a key prefix per test), the real app
// from createApp on port 0, and a BullMQ test worker in place of the model. Coverage is
// collected on every run, so `nx run api:test` (and CI's `npm test`) prints the figure.
module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  globalSetup: '<rootDir>/jest.global-setup.js',
  collectCoverage: true,
  collectCoverageFrom: [
    'src/**/*.ts',
    '!src/main.ts',
    '!src/**/*.spec.ts',
    '!src/testing/**',
    // Browser code, bundled by esbuild and run by Chromium in the e2e web-page test; under
    // Node it has no DOM to run against, so a figure here would measure nothing.
    '!src/web/page/**',
  ],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 80 } },
};
