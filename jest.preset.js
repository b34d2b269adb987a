// Shared jest settings for every project: ts-jest (types are checked by the typecheck target)
// and the tsconfig path aliases, so tests import libs exactly as the apps do.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  // node, plus the main realm's typed arrays so onnxruntime-node's tensors pass its own checks.
  testEnvironment: path.join(__dirname, 'jest.environment.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.spec.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
  testTimeout: 30_000,
};
