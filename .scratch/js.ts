import * as z from 'zod';
import { policySchema } from '../src/policy/schema';
console.log(JSON.stringify(z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any' }), null, 1).slice(0, 3000));
