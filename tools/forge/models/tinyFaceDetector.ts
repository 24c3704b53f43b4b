import { FACE_API_PACKAGE, FACE_API_VERSION } from '../forge.js';
import { conv2d, depthwiseConv2d, maxPool, nhwcInput, subtractMeanAndDivide, toNhwc } from '../layers.js';
import { float, OnnxGraph } from '../onnxGraph.js';
import { rgbInput, type ModelRecipe } from '../recipe.js';
import { requireWeight, type Weight } from '../weights.js';

/**
 * face-api's TinyFaceDetector: TinyYolov2Base.runMobilenet with separable convolutions, a plain
 * first conv and 7 filter sizes (so no conv6/conv7). The graph ends at the raw 1x1 conv8 output;
 * the YOLO decoding happens in src/main/engine/detect/tinyYoloDecode.ts.
 */

const MEAN_RGB = [117.001, 114.697, 97.404] as const;
const ANCHOR_COUNT = 5;
/** x, y, w, h, objectness per anchor; a single class, so no class scores. */
const BOX_ENCODING_SIZE = 5;
const SEPARABLE_BLOCKS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'] as const;

/**
 * face-api's leaky() computes relu(x - 0.1x) + 0.1x, which is LeakyRelu(0.1) up to one rounding;
 * the single op lets ONNX Runtime fuse it into the conv and measured no worse against face-api.
 */
const leaky = (graph: OnnxGraph, x: string): string => graph.node('LeakyRelu', [x], { alpha: float(0.1) });

export const tinyFaceDetectorRecipe: ModelRecipe = {
  id: 'tinyFaceDetector',
  faceApiModel: 'tiny_face_detector_model',
  task: 'face-detection',
  build(weights, source) {
    const weight = (name: string): Weight => requireWeight(weights, name, source);
    const graph = new OnnxGraph('tinyFaceDetector');
    // Every layer is size-agnostic (TF SAME is ONNX SAME_UPPER at any size), so face-api's
    // inputSize option (any multiple of 32) maps to the input's height and width.
    const pixels = nhwcInput(graph, 'input', ['batch', 'height', 'width', 3]);
    // normalize(batchTensor, meanRgb) then .div(255), in that order.
    let x = subtractMeanAndDivide(graph, pixels, MEAN_RGB, 255);

    // conv0 is a plain 3x3 conv with VALID padding: 416 -> 414.
    x = leaky(graph, conv2d(graph, x, weight('conv0/filters'), weight('conv0/bias'), { padding: 'valid' }));

    for (const block of SEPARABLE_BLOCKS) {
      x = maxPool(graph, x, 2, 2, 'same');
      // depthwiseSeparableConv pads 1 on every side then runs VALID: a 3x3 stride-1 SAME conv.
      const depthwise = depthwiseConv2d(graph, x, weight(`${block}/depthwise_filter`), undefined, { padding: 'same' });
      const pointwise = conv2d(graph, depthwise, weight(`${block}/pointwise_filter`), weight(`${block}/bias`), {
        padding: 'valid',
      });
      x = leaky(graph, pointwise);
    }
    // A stride-1 2x2 pool keeps the grid size; TF SAME pads its one extra row/column bottom-right.
    x = maxPool(graph, x, 2, 1, 'same');
    x = conv2d(graph, x, weight('conv8/filters'), weight('conv8/bias'), { padding: 'valid' });

    const gridShape = ['batch', 'gridHeight', 'gridWidth', ANCHOR_COUNT * BOX_ENCODING_SIZE];
    graph.output(toNhwc(graph, x), 'grid', gridShape);

    return {
      bytes: graph.toBytes(
        `face-api TinyFaceDetector (${FACE_API_PACKAGE} ${FACE_API_VERSION}, tiny_face_detector_model)`,
      ),
      input: rgbInput(
        ['batch', 'height', 'width', 3],
        `(x - [${MEAN_RGB.join(', ')}]) / 255, per RGB channel`,
        'square input whose side is a multiple of 32 (face-api inputSize, default 416): pad the image to a square ' +
          'with black at the bottom/right (toBatchTensor(inputSize, false)), then resize with TensorFlow legacy ' +
          'bilinear (align_corners=false, half_pixel_centers=false)',
      ),
      outputs: [
        {
          name: 'grid',
          shape: gridShape,
          description:
            'raw TinyYolov2 grid, NHWC as face-api forwardInput returns it: gridHeight = height/32, gridWidth = ' +
            `width/32, last axis = ${ANCHOR_COUNT} anchors x [tx, ty, tw, th, objectness logit]; decode with ` +
            'sigmoid/exp and the tiny face detector anchors (src/main/engine/detect/tinyYoloDecode.ts)',
        },
      ],
    };
  },
};
