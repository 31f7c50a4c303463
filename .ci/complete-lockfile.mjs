// Completes package-lock.json with the platform-specific optional packages (biome, rollup, ...) that the package
// mirror of our build machines does not serve. npm leaves them out of the lock when it cannot fetch them, and then
// `npm ci` refuses the lock ("Missing: @rollup/rollup-darwin-arm64@ from lock file"), here and on every other
// machine. Each added entry carries the os/cpu/libc that its name spells, so npm skips it on other platforms without
// fetching it. Run after any `npm install` that rewrote the lock: `node .ci/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OSES = new Set([
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'aix',
  'netbsd',
]);
const CPUS = new Set(['arm', 'arm64', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64']);

/** `@rollup/rollup-linux-arm64-musl` -> { os: linux, cpu: arm64, libc: musl }; undefined when not a platform name. */
function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const at = tokens.findIndex((t) => OSES.has(t));
  if (at < 0 || !CPUS.has(tokens[at + 1])) return undefined;
  const rest = tokens.slice(at + 2);
  const libc = rest.some((t) => t.startsWith('musl'))
    ? 'musl'
    : rest.some((t) => t.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os: tokens[at], cpu: tokens[at + 1], libc };
}

function resolvesFrom(parentKey, name) {
  let base = parentKey;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

let added = 0;
for (const [key, entry] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const platform = platformOf(name);
    if (!platform || resolvesFrom(key, name)) continue;
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc ? { libc: [platform.libc] } : {}),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform packages added`);
