// @ts-check
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * Architecture rules (see ARCHITECTURE.md). Domains talk to each other only through their public
 * module `src/<domain>/index.ts`; the ground floor (src/db, src/lib, src/views) imports no domain;
 * worker code never imports seeds; no import cycles.
 */
export const DOMAINS = ['accounts', 'admin', 'catalog', 'cooperatives', 'fulfilment', 'group-buys', 'impact', 'orders', 'payments', 'pricing', 'procurement', 'settlements'];

const intoAnotherDomain = {
  group: DOMAINS.map((d) => `../${d}/*`),
  message: "Import another domain through its public module ('../<domain>'), not a file inside it.",
};
const seeds = { group: ['**/seeds', '**/seeds/*'], message: 'Worker code must not import seed data; put reference data in src and let the seeds import it.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.wrangler/**', 'migrations/**', 'test/**', 'scripts/**', 'seeds/**', '*.config.*'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { typescript: { project: './tsconfig.json' } }, 'import-x/extensions': ['.ts', '.tsx'] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': ['error', { patterns: [intoAnotherDomain, seeds] }],
    },
  },
  {
    // The ground floor: shared mechanics that know no domain.
    files: ['src/db/**/*.{ts,tsx}', 'src/lib/**/*.{ts,tsx}', 'src/views/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: DOMAINS.flatMap((d) => [`../${d}`, `../${d}/*`, `../../${d}`, `../../${d}/*`]), message: 'The ground floor (db, lib, views) must not import a domain; pass data in.' }, seeds] },
      ],
    },
  },
);
