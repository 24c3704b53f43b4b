import type * as Tfjs from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import type { EngineConfig } from '../src/main/engine/config.js';
import { decodeImageFile } from '../src/main/engine/image/decodeImage.js';
import type { RgbImage } from '../src/main/engine/image/preprocess.js';
import { loadFaceApi } from '../test/support/faceApiReference.js';
import { summarise, timeEach, warmUp, type Summary } from './stats.js';
import { measureThroughput, type Throughput } from './throughput.js';

// The CommonJS instance face-api registered the wasm backend with (see faceApiReference.ts).
const tfjs = createRequire(import.meta.url)('@tensorflow/tfjs') as typeof Tfjs;

export interface FaceApiBench {
  /** detectAllFaces(SSD).withFaceLandmarks().withFaceDescriptors(), decode included. */
  readonly endToEnd: Throughput;
  /** faceRecognitionNet alone on one 150x150 chip per call. */
  readonly descriptor: Summary;
  /** e.g. "tfjs 4.22.0 wasm, SIMD, single-threaded". */
  readonly backend: string;
}

/**
 * The reference, @vladmandic/face-api on tfjs's WebAssembly backend, on the same images (decoded
 * by the same code, so decoding costs both sides alike) and the same aligned chips.
 */
export async function benchFaceApi(
  paths: readonly string[],
  chips: readonly RgbImage[],
  config: EngineConfig,
  progress: (message: string) => void,
): Promise<FaceApiBench> {
  const faceapi = await loadFaceApi();
  const { tf } = faceapi;
  const detectorOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: config.minDetectionScore });

  progress('face-api end to end');
  const endToEnd = await measureThroughput(paths, async (path) => {
    const frame = await decodeImageFile(path, { maxPixels: config.maxImagePixels });
    const tensor = tf.tensor3d(new Uint8Array(frame.rgb.getData()), [frame.height, frame.width, 3], 'int32');
    try {
      return (await faceapi.detectAllFaces(tensor, detectorOptions).withFaceLandmarks().withFaceDescriptors()).length;
    } finally {
      tensor.dispose();
    }
  });

  progress('face-api descriptor');
  const describe = async (chip: RgbImage) => {
    const tensor = tf.tensor3d(chip.data, [chip.height, chip.width, 3], 'int32');
    try {
      return await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(tensor);
    } finally {
      tensor.dispose();
    }
  };
  await warmUp(chips, describe);
  const descriptor = summarise((await timeEach(chips, describe)).ms);

  const simd = (await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = (await tfjs.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const backend = `tfjs ${tfjs.version_core} ${tfjs.getBackend()}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'single-threaded'}`;
  return { endToEnd, descriptor, backend };
}
