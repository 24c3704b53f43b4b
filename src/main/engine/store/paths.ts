import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const DATABASE_FILE_NAME = 'clockface.db';

/**
 * Where the CLI keeps its database unless told otherwise: the per-user data folder of each
 * platform. Only computes the path; `openStore` creates the folder.
 */
export function defaultDatabasePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Clockface', DATABASE_FILE_NAME);
  }
  if (platform === 'darwin') {
    return posix.join(home, 'Library', 'Application Support', 'Clockface', DATABASE_FILE_NAME);
  }
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdgDataHome = env.XDG_DATA_HOME;
  const dataHome = xdgDataHome && posix.isAbsolute(xdgDataHome) ? xdgDataHome : posix.join(home, '.local', 'share');
  return posix.join(dataHome, 'clockface', DATABASE_FILE_NAME);
}
