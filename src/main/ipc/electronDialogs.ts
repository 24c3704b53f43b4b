import { dialog, type BrowserWindow } from 'electron';
import type { Dialogs } from '../services/appBackend.js';

/** The native open and save dialogs behind the 'dialog:*' channels, modal to the app's window. */
export function electronDialogs(window: BrowserWindow): Dialogs {
  return {
    saveCsv: async (defaultName) => {
      const result = await dialog.showSaveDialog(window, {
        title: 'Export attendance',
        defaultPath: defaultName,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    openImages: async () => {
      const result = await dialog.showOpenDialog(window, {
        title: 'Photos to enrol',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'pgm', 'ppm', 'tif', 'tiff'] }],
      });
      return result.canceled ? [] : result.filePaths;
    },
    openFolder: async () => {
      const result = await dialog.showOpenDialog(window, {
        title: 'Folder with one sub-folder of photos per person',
        properties: ['openDirectory'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
