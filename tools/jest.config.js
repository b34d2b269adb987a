module.exports = {
  displayName: 'tools',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  // The export test runs onnxruntime-node; see the file for why it needs its own environment.
  testEnvironment: '<rootDir>/jest/ort-test-environment.js',
};
