import { RE2JS } from 're2js';
const p = RE2JS.compile('prod', RE2JS.CASE_INSENSITIVE);
console.log(p.test('my-PROD-db'), p.test('x'));
for (const bad of ['(a', '(?=x)', '\\1', 'a{2,1}', '(?<n>a)', '[z-a]']) {
  try { RE2JS.compile(bad); console.log('ok', bad); } catch (e) { console.log(bad, (e as Error).constructor.name, (e as Error).message); }
}
console.log(RE2JS.compile('^(INC|CHG)-[0-9]+').test('INC-12: x'));
