// End-to-end tests: the built api and worker run as separate processes against the real
// Redis, with the real models and the shared photos. They run one file at a time.
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
};
