// The published JSON Schema of the configuration file is the one the code generates (run
// `npm run schema` after changing the policy's declaration or the options table), and the example
// configuration file validates against the shapes it names.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { configFileSchema } from '../../../src/config/fileSchema';

void describe('schema/policy.schema.json', () => {
  void it('is up to date (npm run schema)', async () => {
    const published = JSON.parse(await readFile('schema/policy.schema.json', 'utf8')) as unknown;
    assert.deepEqual(published, JSON.parse(JSON.stringify(configFileSchema())));
  });

  void it('names every environment setting for editors to complete', () => {
    const schema = configFileSchema() as {
      properties: { policy: { properties: Record<string, { items?: { properties: object } }> } };
    };
    const env = schema.properties.policy.properties.environments?.items?.properties ?? {};
    assert.deepEqual(Object.keys(env), [
      'pattern',
      'maxRequests',
      'maxResources',
      'window',
      'outside',
      'closeLocks',
      'reason',
      'reasonExample',
      'missingReason',
      'maxAccess',
      'longer',
      'budget',
      'cooldown',
      'overrides',
      'over',
    ]);
  });
});
