// Writes schema/policy.schema.json from the policy's one declaration and the options table
// (src/config/fileSchema.ts). Run after changing either: `npm run schema`, which also formats it; a unit test fails when
// the published file is out of date.
import { writeFileSync } from 'node:fs';
import { configFileSchema } from '../src/config/fileSchema';

writeFileSync('schema/policy.schema.json', `${JSON.stringify(configFileSchema(), null, 2)}\n`);
console.log('wrote schema/policy.schema.json');
