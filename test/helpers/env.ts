// Jest setup: one time zone for every test run.
process.env.TZ = 'UTC';
