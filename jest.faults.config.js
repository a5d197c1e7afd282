/** `npm run test:faults`: the slower fault cases (real processes, outages), one file at a time. */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testTimeout: 180000,
  maxWorkers: 1,
  testPathIgnorePatterns: ['/node_modules/'],
  reporters: ['default', '<rootDir>/test/faults/summary-reporter.js'],
};
