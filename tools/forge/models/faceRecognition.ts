import { int, ints, OnnxGraph } from '../onnxGraph.js';
import {
  add,
  avgPool,
  channelVector,
  conv2d,
  maxPool,
  mul,
  nhwcInput,
  relu,
  subtractMeanAndDivide,
} from '../layers.js';
import { rgbInput, type ModelRecipe } from '../recipe.js';
import { requireWeight, type Weight } from '../weights.js';

/**
 * face-api's FaceRecognitionNet (a dlib-style ResNet-34): 150x150 RGB face crop → 128-d descriptor.
 * Mirrors src/faceRecognitionNet/{FaceRecognitionNet,convLayer,residualLayer,scaleLayer}.ts.
 */

const INPUT_SIZE = 150;
const MEAN_RGB = [122.782, 117.001, 104.298] as const;
const DESCRIPTOR_SIZE = 128;

/** A tensor in the graph with the static shape face-api would see (NCHW here). */
interface Activation {
  readonly name: string;
  readonly channels: number;
  readonly size: number;
}

/** Output size of a VALID window of `kernel` moving by `stride`. */
const validSize = (size: number, kernel: number, stride: number): number => Math.floor((size - kernel) / stride) + 1;

class RecognitionBuilder {
  constructor(
    private readonly graph: OnnxGraph,
    private readonly weights: ReadonlyMap<string, Weight>,
    private readonly source: string,
  ) {}

  private weight(name: string): Weight {
    return requireWeight(this.weights, name, this.source);
  }

  /** convLayer: conv2d + bias, then the scale layer (x * weights + biases), then optional relu. */
  private convLayer(x: Activation, prefix: string, stride: 1 | 2, withRelu: boolean): Activation {
    const filters = this.weight(`${prefix}/conv/filters`);
    const kernel = filters.shape[0] as number;
    // face-api's only stride-2 convs (convDown) use VALID padding; the others use SAME.
    const padding = stride === 2 ? 'valid' : 'same';
    const conv = conv2d(this.graph, x.name, filters, this.weight(`${prefix}/conv/bias`), { strides: stride, padding });
    const scaled = add(
      this.graph,
      mul(this.graph, conv, channelVector(this.graph, this.weight(`${prefix}/scale/weights`))),
      channelVector(this.graph, this.weight(`${prefix}/scale/biases`)),
    );
    return {
      name: withRelu ? relu(this.graph, scaled) : scaled,
      channels: filters.shape[3] as number,
      size: stride === 2 ? validSize(x.size, kernel, 2) : x.size,
    };
  }

  convDown(x: Activation, prefix: string): Activation {
    return this.convLayer(x, prefix, 2, true);
  }

  maxPool(x: Activation): Activation {
    return { ...x, name: maxPool(this.graph, x.name, 3, 2, 'valid'), size: validSize(x.size, 3, 2) };
  }

  residual(x: Activation, prefix: string): Activation {
    const conv1 = this.convLayer(x, `${prefix}/conv1`, 1, true);
    const conv2 = this.convLayer(conv1, `${prefix}/conv2`, 1, false);
    return { ...conv2, name: relu(this.graph, add(this.graph, conv2.name, x.name)) };
  }

  /**
   * residualDown: the shortcut is a 2x2 average pool, widened with zero channels at the end when
   * the block adds channels; when the VALID stride-2 conv comes out one smaller than the pool
   * (8→3 vs 4, 4→1 vs 2), face-api appends a zero row and column at the bottom/right of the conv
   * branch, never the top/left.
   */
  residualDown(x: Activation, prefix: string): Activation {
    const conv1 = this.convLayer(x, `${prefix}/conv1`, 2, true);
    let branch = this.convLayer(conv1, `${prefix}/conv2`, 1, false);
    let shortcut: Activation = {
      ...x,
      name: avgPool(this.graph, x.name, 2, 2, 'valid'),
      size: validSize(x.size, 2, 2),
    };

    const missingRows = shortcut.size - branch.size;
    if (missingRows !== 0) {
      if (missingRows !== 1) throw new Error(`${prefix}: face-api pads by exactly one row/column, not ${missingRows}`);
      branch = { ...branch, name: this.pad(branch.name, [0, 0, 0, 0, 0, 0, 1, 1], `${prefix}/pad_bottom_right`) };
    }
    const missingChannels = branch.channels - shortcut.channels;
    if (missingChannels !== 0) {
      shortcut = {
        ...shortcut,
        name: this.pad(shortcut.name, [0, 0, 0, 0, 0, missingChannels, 0, 0], `${prefix}/pad_channels`),
        channels: branch.channels,
      };
    }
    return { ...shortcut, name: relu(this.graph, add(this.graph, shortcut.name, branch.name)) };
  }

  /** Zero padding; `pads` is ONNX's [begin N,C,H,W, end N,C,H,W]. */
  private pad(x: string, pads: readonly number[], hint: string): string {
    return this.graph.node('Pad', [x, this.graph.int64s(`${hint}/pads`, pads)], {}, hint);
  }

  /** out.mean([1, 2]) in NHWC: averaging both spatial axes leaves [N, C] in either layout, so no transpose. */
  globalAverage(x: Activation): string {
    return this.graph.node('ReduceMean', [x.name], { axes: ints([2, 3]), keepdims: int(0) }, 'global_average');
  }

  fullyConnected(x: string): string {
    return this.graph.node('MatMul', [x, this.graph.weight(this.weight('fc'))], {}, 'fc');
  }
}

export const faceRecognitionRecipe: ModelRecipe = {
  id: 'faceRecognition',
  faceApiModel: 'face_recognition_model',
  task: 'face-embedding',
  build(weights, source) {
    const graph = new OnnxGraph('face_recognition');
    const net = new RecognitionBuilder(graph, weights, source);

    const pixels = nhwcInput(graph, 'input', ['batch', INPUT_SIZE, INPUT_SIZE, 3]);
    const normalized = subtractMeanAndDivide(graph, pixels, MEAN_RGB, 255);

    let out = net.convDown({ name: normalized, channels: 3, size: INPUT_SIZE }, 'conv32_down');
    out = net.maxPool(out);
    for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) out = net.residual(out, block);
    out = net.residualDown(out, 'conv64_down');
    for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) out = net.residual(out, block);
    out = net.residualDown(out, 'conv128_down');
    for (const block of ['conv128_1', 'conv128_2']) out = net.residual(out, block);
    out = net.residualDown(out, 'conv256_down');
    for (const block of ['conv256_1', 'conv256_2']) out = net.residual(out, block);
    out = net.residualDown(out, 'conv256_down_out');

    const descriptor = net.fullyConnected(net.globalAverage(out));
    graph.output(descriptor, 'descriptor', ['batch', DESCRIPTOR_SIZE]);

    return {
      bytes: graph.toBytes(
        'face-api FaceRecognitionNet (face_recognition_model) converted by the Clockface model forge',
      ),
      input: rgbInput(
        ['batch', INPUT_SIZE, INPUT_SIZE, 3],
        `in-graph: (x - [${MEAN_RGB.join(', ')}]) / 255, per RGB channel, subtraction first`,
        'pad the face crop to a square with black, centred (face-api puts round(diff/2) rows/columns after the ' +
          'image and the rest before), then resize to 150x150 with TensorFlow legacy bilinear ' +
          '(align_corners=false, half_pixel_centers=false); see toSquareInput(image, 150, "centred") in ' +
          'src/main/engine/image/preprocess.ts',
      ),
      outputs: [
        {
          name: 'descriptor',
          shape: ['batch', DESCRIPTOR_SIZE],
          description: '128-d face descriptor, not L2-normalised; face-api compares descriptors by Euclidean distance',
        },
      ],
    };
  },
};
