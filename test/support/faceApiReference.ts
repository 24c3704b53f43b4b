import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as FaceApiModule from '@vladmandic/face-api';
import type * as Tfjs from '@tensorflow/tfjs';

/**
 * The reference implementation: @vladmandic/face-api on tfjs's WebAssembly backend
 * (tfjs-node cannot be installed offline). Loaded once per test file.
 */
const require = createRequire(import.meta.url);

type FaceApi = typeof FaceApiModule;

export const faceApiModelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

let loading: Promise<FaceApi> | undefined;

export function loadFaceApi(): Promise<FaceApi> {
  loading ??= (async () => {
    const tf = require('@tensorflow/tfjs') as typeof Tfjs;
    require('@tensorflow/tfjs-backend-wasm');
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    await tf.setBackend('wasm');
    await tf.ready();
    await Promise.all([
      faceapi.nets.ssdMobilenetv1.loadFromDisk(faceApiModelDir),
      faceapi.nets.tinyFaceDetector.loadFromDisk(faceApiModelDir),
      faceapi.nets.faceLandmark68Net.loadFromDisk(faceApiModelDir),
      faceapi.nets.faceRecognitionNet.loadFromDisk(faceApiModelDir),
    ]);
    return faceapi;
  })();
  return loading;
}
