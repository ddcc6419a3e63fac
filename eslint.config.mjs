// Lint rules that protect correctness: no floating promises (a dropped promise loses an error),
// and no Node built-ins in workflow code (Temporal's sandbox would reject them at bundle time).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TESTKIT_MESSAGE = 'Production code (src/) must not import the test kit or tests.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-testkit/',
      '.temporal/',
      'src/teleport/generated/',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/test return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', name: ['describe', 'test', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // The production build is src/ alone: the simulator, the demo and test support stay out of it.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/testkit/**', '**/test/**'], message: TESTKIT_MESSAGE }] },
      ],
    },
  },
  {
    // Wire types never leak past src/teleport/: the rest of the product sees domain types only.
    files: ['src/**/*.ts'],
    ignores: ['src/teleport/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/testkit/**', '**/test/**'], message: TESTKIT_MESSAGE },
            {
              group: ['**/teleport/generated/**'],
              message: 'Wire types stay in src/teleport/; use the domain types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/temporal/workflows/**/*.ts', 'src/policy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'os',
                'crypto',
                'net',
                'tls',
                'http',
                'https',
                'child_process',
              ],
              message: 'Pure and workflow code must not touch Node built-ins.',
            },
            {
              group: ['**/teleport/**', '@grpc/*'],
              message: 'Pure and workflow code must not reach Teleport.',
            },
            { group: ['**/testkit/**', '**/test/**'], message: TESTKIT_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain CommonJS preloaded by node (bench/sdkAblation.cjs): `require` is how it loads.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
