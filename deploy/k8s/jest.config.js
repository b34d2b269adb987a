const path = require('node:path');

module.exports = {
  displayName: 'k8s',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  resolver: path.join(__dirname, 'esm-resolver.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, '../../tsconfig.spec.json') }],
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)/)',
  ],
};
