// `node --import ./registerElectronStub.mjs out/main/index.js` runs the bundled main process on the stub.
import { register } from 'node:module';

register('./electronStubHooks.mjs', import.meta.url);
