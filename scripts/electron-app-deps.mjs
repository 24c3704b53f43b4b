// Rebuilds the native addons (better-sqlite3, @u4/opencv4nodejs) for Electron's ABI with
// `electron-builder install-app-deps`, in place in node_modules.
//
//   node scripts/electron-app-deps.mjs             postinstall: only where Electron's binary is
//                                                  installed; never fails the install
//   node scripts/electron-app-deps.mjs --required  npm run dev / dist: always, and fails loudly
//
// Plain Node (the CLI, the tests) needs the Node-ABI builds instead: scripts/setup.sh installs with
// --ignore-scripts, so this never runs there, and it puts the Node builds back when it finds them
// replaced. Modules already built for this Electron are skipped, so repeated runs are quick.
// A failed rebuild puts the previous builds back: node-gyp deletes a build before compiling anew.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';

const required = process.argv.includes('--required');
const projectDir = join(import.meta.dirname, '..');
const logFile = join(projectDir, 'node_modules', '.clockface-electron-rebuild.log');
const require = createRequire(import.meta.url);
/** The addons scripts/setup.sh builds for Node. */
const nativeAddons = [
  'better-sqlite3/build/Release/better_sqlite3.node',
  '@u4/opencv4nodejs/build/Release/opencv4nodejs.node',
];

function note(message) {
  process.stdout.write(`electron-app-deps: ${message}\n`);
}

/** Electron's own lookup (node_modules/electron/index.js) without requiring it: that downloads. */
function electronBinaryPresent() {
  const electronDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  const executable = readFileSync(pathFile, 'utf8');
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  return existsSync(join(distDir, executable));
}

/** The system OpenCV for @u4/opencv4nodejs, found the way scripts/setup.sh finds it. */
function openCvEnvironment() {
  if (process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD) return {};
  const pkgConfig = (...args) => spawnSync('pkg-config', [...args, 'opencv4'], { encoding: 'utf8' });
  const cflags = pkgConfig('--cflags-only-I');
  if (cflags.status !== 0) return {};
  const includeDir = cflags.stdout
    .split(/\s+/)
    .find((flag) => flag.startsWith('-I'))
    ?.slice(2);
  const prefix = pkgConfig('--variable=prefix').stdout.trim();
  return {
    OPENCV4NODEJS_DISABLE_AUTOBUILD: '1',
    ...(includeDir ? { OPENCV_INCLUDE_DIR: includeDir } : {}),
    OPENCV_LIB_DIR: pkgConfig('--variable=libdir').stdout.trim(),
    OPENCV_BIN_DIR: join(prefix, 'bin'),
  };
}

/** Runs install-app-deps; when it fails, every addon is as it was before (all Node, or all Electron). */
function rebuildForElectron(stdio) {
  const backupDir = mkdtempSync(join(tmpdir(), 'clockface-addons-'));
  const backups = nativeAddons
    .map((addon) => ({
      built: join(projectDir, 'node_modules', addon),
      backup: join(backupDir, addon.replaceAll('/', '+')),
    }))
    .filter(({ built }) => existsSync(built));
  for (const { built, backup } of backups) copyFileSync(built, backup);
  const builderCli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
  const result = spawnSync(process.execPath, [builderCli, 'install-app-deps'], {
    cwd: projectDir,
    env: { ...process.env, ...openCvEnvironment() },
    stdio,
  });
  const rebuilt = result.status === 0;
  if (!rebuilt) {
    for (const { built, backup } of backups) {
      mkdirSync(dirname(built), { recursive: true });
      copyFileSync(backup, built);
      // @electron/rebuild's marker may describe the build just taken back.
      rmSync(join(dirname(built), '.forge-meta'), { force: true });
    }
  }
  rmSync(backupDir, { recursive: true, force: true });
  return rebuilt;
}

if (!required && !electronBinaryPresent()) {
  note("Electron's binary is not installed, so the native addons stay built for Node (CLI and tests).");
  process.exit(0);
}

if (required) process.exit(rebuildForElectron('inherit') ? 0 : 1);

// As a postinstall step: quiet on success, one line on failure (offline: no Electron headers).
const logFd = openSync(logFile, 'w');
const rebuilt = rebuildForElectron(['ignore', logFd, logFd]);
closeSync(logFd);
if (rebuilt) note('native addons rebuilt for Electron (npm run dev and dist use them).');
else note(`could not rebuild the native addons for Electron (offline?), so they stay as they were. Log: ${logFile}`);
