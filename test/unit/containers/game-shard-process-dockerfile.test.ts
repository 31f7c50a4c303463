import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

/** Every service's Dockerfile under containers/, through dockerfile-utils' validator (the VS Code Docker linter's). */
const dockerfiles = readdirSync('containers', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join('containers', entry.name, 'Dockerfile'))
  .filter((path) => existsSync(path));

/**
 * Images that must run as root, each with why. gluetun creates the tunnel interface, its routes and firewall rules
 * (NET_ADMIN, /dev/net/tun), which its maintainer says needs root (qdm12/gluetun#1519); the task grants nothing else.
 */
const runsAsRoot: Record<string, string> = {
  [join('containers', 'vpn-egress', 'Dockerfile')]: 'gluetun configures the tunnel, routes and firewall as root',
};

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
    if (runsAsRoot[path]) expect(lastStage).not.toMatch(/^USER (?!root|0\b)\S+/m);
    else expect(lastStage).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(lastStage).toMatch(/^HEALTHCHECK /m);
  });
});
