import { describe, expect, it } from 'vitest';
import { defaultDatabasePath } from './paths.js';

describe('default database path', () => {
  it('follows XDG_DATA_HOME on Linux, falling back to ~/.local/share', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/data/ada' }, 'linux', '/home/ada')).toBe(
      '/data/ada/clockface/clockface.db',
    );
    expect(defaultDatabasePath({}, 'linux', '/home/ada')).toBe('/home/ada/.local/share/clockface/clockface.db');
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec requires', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: 'data' }, 'linux', '/home/ada')).toBe(
      '/home/ada/.local/share/clockface/clockface.db',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/ignored' }, 'darwin', '/Users/ada')).toBe(
      '/Users/ada/Library/Application Support/Clockface/clockface.db',
    );
  });

  it('uses %APPDATA% on Windows, or the roaming folder under the home when it is unset', () => {
    expect(defaultDatabasePath({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Clockface\\clockface.db',
    );
    expect(defaultDatabasePath({}, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Clockface\\clockface.db',
    );
  });
});
