import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'migrations', 'coverage', '.jitbot', 'bench/results'] },
  js.configs.recommended,
  {
    // Plain CommonJS config and reporter files run by jest.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
  {
    // The sandbox page's scripts run in the browser, as they are (no build step).
    files: ['src/sandbox/page/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'localStorage', 'fetch', 'setTimeout', 'setInterval', 'Option'].map((name) => [name, 'readonly']),
      ),
    },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The core talks to the world only through access/ports/ (DESIGN.md).
    files: ['src/access/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/jobs/**', '**/chat/**', '**/providers/**', '**/http/**', '**/config/**'],
              message: 'access/ is the core: reach outside only through access/ports/',
            },
            {
              group: [
                '@slack/*',
                'botbuilder*',
                'bullmq',
                'ioredis',
                'drizzle-orm*',
                'postgres',
                '@electric-sql/*',
                '@aws-sdk/*',
                '@azure/*',
              ],
              message: 'access/ is the core: no transport or infrastructure imports',
            },
          ],
        },
      ],
    },
  },
  {
    // The audit chain and the digest work over ports, like the core: no storage, queues or chat.
    files: ['src/audit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/jobs/**', '**/chat/**', '**/providers/**', '**/http/**', '**/config/**'],
              message: 'audit/ reaches outside only through audit/digest/ports.ts',
            },
            {
              group: ['@slack/*', 'botbuilder*', 'bullmq', 'ioredis', 'drizzle-orm*', 'postgres', '@electric-sql/*'],
              message: 'audit/ imports no transport or infrastructure',
            },
          ],
        },
      ],
    },
  },
  {
    // Chat adapters parse and render; they never touch storage, queues or clouds.
    files: ['src/chat/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '**/jobs/**', '**/providers/**'],
              message: 'chat/ calls the access service; it never reaches store/, jobs/ or providers/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
