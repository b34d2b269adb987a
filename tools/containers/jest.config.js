// `npm run test:containers` only: builds images and runs the compose stack in podman, so it is
// kept out of `nx run tools:test` (whose testMatch is *.spec.ts).
module.exports = {
  displayName: 'containers',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.container-spec.ts'],
  // The steps share one stack and run in order.
  maxWorkers: 1,
};
