import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import {
  serializeError,
  type InferenceCalls,
  type InferenceRequest,
  type InferenceResponse,
  type TensorMap,
} from './inferenceProtocol.js';
import { createOrtSession } from './ortSession.js';

/** A worker thread's side of InferencePool: ONNX Runtime sessions by key, answering by sequence id. */

if (!parentPort) throw new Error('inferenceWorker runs only as a worker thread');
const port = parentPort;
const sessions = new Map<string, ort.InferenceSession>();

function session(key: string): ort.InferenceSession {
  const found = sessions.get(key);
  if (!found) throw new Error(`no session "${key}" is open in this inference worker`);
  return found;
}

async function answer(request: InferenceRequest): Promise<InferenceCalls[InferenceRequest['call']]['result']> {
  switch (request.call) {
    case 'open': {
      const { key, bytes, settings } = request.args;
      const session = await createOrtSession(bytes, settings);
      sessions.set(key, session);
      return { inputNames: session.inputNames, outputNames: session.outputNames };
    }
    case 'run': {
      const feeds = Object.fromEntries(
        Object.entries(request.args.feeds).map(([name, { type, data, dims }]) => [
          name,
          new ort.Tensor(type, data, dims),
        ]),
      );
      const outputs = await session(request.args.key).run(feeds);
      return Object.fromEntries(
        Object.entries(outputs).map(([name, tensor]) => [
          name,
          { type: tensor.type, dims: tensor.dims, data: tensor.data as ort.Tensor.DataType },
        ]),
      ) satisfies TensorMap;
    }
    case 'release': {
      await sessions.get(request.args.key)?.release();
      sessions.delete(request.args.key);
      return null;
    }
  }
}

port.on('message', (request: InferenceRequest) => {
  answer(request).then(
    (result) => port.postMessage({ seq: request.seq, ok: true, result } satisfies InferenceResponse),
    (error: unknown) =>
      port.postMessage({ seq: request.seq, ok: false, error: serializeError(error) } satisfies InferenceResponse),
  );
});
