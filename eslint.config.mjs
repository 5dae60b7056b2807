import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'public/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the injected Clock (services.clock.now()) instead of new Date().',
        },
      ],
    },
  },
  {
    // Demo data and the seeds' own lists are not the app's: what it needs at run time it owns (src/domain, the database).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/seeds/**', '**/seeds'], message: 'Runtime code does not import seeds/.' }],
        },
      ],
    },
  },
  {
    // SQL only in repositories (issue 14): knex and the database handle modules are imported as values
    // only by files named repository.ts / *Repository.ts and by src/db/. Types (Db, Knex.Transaction)
    // may be imported anywhere, so a service can hand its transaction to a repository.
    files: ['src/**/*.ts'],
    ignores: [
      'src/**/repository.ts',
      'src/**/*Repository.ts',
      'src/db/**',
      // the app's wiring creates the one handle (createDb) and passes it on in Services
      'src/services/index.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'knex', allowTypeImports: true, message: 'Queries belong in a repository.ts.' }],
          patterns: [
            {
              group: ['**/db/knex', '**/db/prepared'],
              allowTypeImports: true,
              message: 'Queries belong in a repository.ts (route → service → repository).',
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS configuration and jest set-up files run directly in Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
      },
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
)
