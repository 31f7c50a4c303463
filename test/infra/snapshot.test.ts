import { describe, expect, it } from 'vitest';
import { synthesize } from './support.ts';

/** Asset hashes and the migrations digest change with code outside infra; the shape of the templates must not. */
function normalized(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<hash>'));
}

describe('templates snapshot (dev)', () => {
  it('matches the reviewed templates, asset hashes aside', () => {
    const { templates } = synthesize('dev');
    for (const [name, template] of Object.entries(templates)) {
      expect(normalized(template.toJSON()), name).toMatchSnapshot(name);
    }
  });
});
