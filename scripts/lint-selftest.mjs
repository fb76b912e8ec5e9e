// Proves the architecture rules bite: lints small snippets as if they were files in src/ and fails
// unless each forbidden import is reported (and the allowed ones are not). Run by `npm run lint`.
import { ESLint } from 'eslint';

const eslint = new ESLint();
const cases = [
  { file: 'src/procurement/__selftest.ts', code: "import { loadOrder } from '../orders/order-read';\nexport const x = loadOrder;\n", rule: 'no-restricted-imports', why: 'a sideways import into another domain' },
  { file: 'src/lib/__selftest.ts', code: "import { placeOrder } from '../orders';\nexport const x = placeOrder;\n", rule: 'no-restricted-imports', why: 'the ground floor importing a domain' },
  { file: 'src/views/__selftest.tsx', code: "import { isBuyerKind } from '../accounts/policy';\nexport const x = isBuyerKind;\n", rule: 'no-restricted-imports', why: 'a view importing a domain file' },
  { file: 'src/catalog/__selftest.ts', code: "import { products } from '../../seeds/data';\nexport const x = products;\n", rule: 'no-restricted-imports', why: 'worker code importing seeds' },
  { file: 'src/procurement/__selftest.ts', code: "import { placeOrder } from '../orders';\nexport const x = placeOrder;\n", rule: null, why: 'an import through the public module' },
  { file: 'src/orders/__selftest.ts', code: "import { loadOrder } from './order-read';\nexport const x = loadOrder;\n", rule: null, why: 'an import inside the same domain' },
];

let failed = 0;
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.file });
  const rules = result.messages.map((m) => m.ruleId);
  const ok = c.rule ? rules.includes(c.rule) : rules.filter((r) => r === 'no-restricted-imports').length === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.rule ? 'refuses' : 'allows'} ${c.why} (${c.file}: ${rules.join(', ') || 'no messages'})`);
  if (!ok) failed++;
}
if (failed) {
  console.error(`${failed} architecture rule check(s) failed`);
  process.exit(1);
}
