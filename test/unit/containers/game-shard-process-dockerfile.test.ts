import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

/** Every service's Dockerfile under containers/, through dockerfile-utils' validator (the VS Code Docker linter's). */
const dockerfiles = readdirSync('containers', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join('containers', entry.name, 'Dockerfile'))
  .filter((path) => existsSync(path));

describe('containers/*/Dockerfile', () => {
  it('finds the game shard among them, and the validator does report a broken file', () => {
    expect(dockerfiles).toContain(join('containers', 'game-shard', 'Dockerfile'));
    expect(validate('FROM node:22-slim\nEXPOSE abc\nHEALTHCHECK CMD\n').length).toBeGreaterThan(0);
  });

  it.each(dockerfiles)('%s: no problem the validator reports; non-root; a HEALTHCHECK', (path) => {
    const text = readFileSync(path, 'utf8');
    const problems = validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
    const lastStage = text.slice(text.lastIndexOf('\nFROM '));
    expect(lastStage).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(lastStage).toMatch(/^HEALTHCHECK /m);
  });
});
