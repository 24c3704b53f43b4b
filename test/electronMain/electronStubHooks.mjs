// Module hooks for the main-bundle smoke test: `electron` resolves to the stub beside this file.
import { URL } from 'node:url';

const stub = new URL('./electronStub.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  return specifier === 'electron' ? { url: stub, shortCircuit: true } : next(specifier, context);
}
