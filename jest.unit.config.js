/**
 * `npm run test:unit`: the unit tests only (test/unit, mirroring src/), with no database
 * and no Redis: the core runs on the in-memory ports (test/fakes/in-memory).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  testPathIgnorePatterns: ['/node_modules/'],
};
