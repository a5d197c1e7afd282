/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The slow fault cases run with `npm run test:faults` (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  testMatch: ['**/*.test.ts'],
  // parse-duration ships ES modules only; compile it like our own code.
  transformIgnorePatterns: ['/node_modules/(?!parse-duration/)'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  testTimeout: 30000,
  // Integration tests share one Postgres server and one Redis, and spend most of their time
  // waiting on them, on the HTTP fakes and on queues: three workers overlap that waiting on a
  // 2-core machine (measured: 155 s instead of 180 s with a core kept busy).
  maxWorkers: 3,
};
