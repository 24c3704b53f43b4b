import { FACE_API_LICENSE, FACE_API_PACKAGE, FACE_API_VERSION } from '../forge.js';
import { add, avgPool, conv2d, depthwiseConv2d, nhwcInput, relu, subtractMeanAndDivide, toNhwc } from '../layers.js';
import { int, OnnxGraph } from '../onnxGraph.js';
import { rgbInput, type ModelRecipe } from '../recipe.js';
import { requireWeight, type Weight } from '../weights.js';

/**
 * face-api's FaceLandmark68Net: FaceFeatureExtractor (four dense blocks, 112 -> 7) + 7x7 average
 * pool + one fully connected layer giving 68 (x, y) pairs relative to the padded 112 square.
 */

const INPUT_SIZE = 112;
const MEAN_RGB = [122.782, 117.001, 104.298] as const;
const FEATURE_CHANNELS = 256;
const LANDMARK_VALUES = 136;
const DENSE_BLOCKS = ['dense0', 'dense1', 'dense2', 'dense3'] as const;

type WeightOf = (name: string) => Weight;

/** tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias, as depthwiseSeparableConv does it. */
function separableConv(graph: OnnxGraph, x: string, weightOf: WeightOf, prefix: string, strides: number): string {
  const depthwise = depthwiseConv2d(graph, x, weightOf(`${prefix}/depthwise_filter`), undefined, {
    strides,
    padding: 'same',
  });
  return conv2d(graph, depthwise, weightOf(`${prefix}/pointwise_filter`), weightOf(`${prefix}/bias`), {
    padding: 'valid',
  });
}

/** denseBlock4 with isScaleDown: every conv's output feeds all later ones through running sums. */
function denseBlock4(graph: OnnxGraph, x: string, weightOf: WeightOf, prefix: string, isFirstLayer: boolean): string {
  const out1 = relu(
    graph,
    isFirstLayer
      ? conv2d(graph, x, weightOf(`${prefix}/conv0/filters`), weightOf(`${prefix}/conv0/bias`), {
          strides: 2,
          padding: 'same',
        })
      : separableConv(graph, x, weightOf, `${prefix}/conv0`, 2),
  );
  const out2 = separableConv(graph, out1, weightOf, `${prefix}/conv1`, 1);
  const in3 = relu(graph, add(graph, out1, out2));
  const out3 = separableConv(graph, in3, weightOf, `${prefix}/conv2`, 1);
  // tfjs adds right to left: out1 + (out2 + out3), and later out1 + (out2 + (out3 + out4)).
  const in4 = relu(graph, add(graph, out1, add(graph, out2, out3)));
  const out4 = separableConv(graph, in4, weightOf, `${prefix}/conv3`, 1);
  return relu(graph, add(graph, out1, add(graph, out2, add(graph, out3, out4))));
}

export const faceLandmark68Recipe: ModelRecipe = {
  id: 'faceLandmark68',
  faceApiModel: 'face_landmark_68_model',
  task: 'face-landmarks',
  build(weights, source) {
    const weightOf: WeightOf = (name) => requireWeight(weights, name, source);
    const fcWeights = weightOf('fc/weights');
    if (fcWeights.shape[0] !== FEATURE_CHANNELS || fcWeights.shape[1] !== LANDMARK_VALUES) {
      throw new Error(
        `${source}: fc/weights is [${fcWeights.shape.join(', ')}], expected [${FEATURE_CHANNELS}, ${LANDMARK_VALUES}]`,
      );
    }
    const graph = new OnnxGraph('faceLandmark68');

    const pixels = nhwcInput(graph, 'input', ['batch', INPUT_SIZE, INPUT_SIZE, 3]);
    let features = subtractMeanAndDivide(graph, pixels, MEAN_RGB, 255);
    DENSE_BLOCKS.forEach((prefix, index) => {
      features = denseBlock4(graph, features, weightOf, prefix, index === 0);
    });
    features = avgPool(graph, features, 7, 2, 'valid');

    // The pooled map is 1x1, but flatten in NHWC order anyway, as tfjs's as2D does.
    const flat = graph.node('Flatten', [toNhwc(graph, features)], { axis: int(1) }, 'bottleneck');
    const fc = graph.node('MatMul', [flat, graph.weight(fcWeights)], {}, 'fc/matmul');
    const landmarks = add(graph, fc, graph.weight(weightOf('fc/bias')));
    graph.output(landmarks, 'landmarks', ['batch', LANDMARK_VALUES]);

    return {
      bytes: graph.toBytes(
        `face-api FaceLandmark68Net (${FACE_API_PACKAGE} ${FACE_API_VERSION}, ${FACE_API_LICENSE}) converted by the Clockface model forge`,
      ),
      input: rgbInput(
        ['batch', INPUT_SIZE, INPUT_SIZE, 3],
        `in graph: (x - [${MEAN_RGB.join(', ')}]) / 255 per RGB channel, subtraction first (FaceFeatureExtractor)`,
        'crop the face box from the image (integer crop rectangle, clipped to the image, see faceCropRect in src/main/engine/landmarks/landmarkDecode.ts), ' +
          `pad the crop to a square with black split around it ('centred'), resize to ${INPUT_SIZE}x${INPUT_SIZE} with ` +
          "TF legacy bilinear (src/main/engine/image/preprocess.ts toSquareInput(crop, 112, 'centred'))",
      ),
      outputs: [
        {
          name: 'landmarks',
          shape: ['batch', LANDMARK_VALUES],
          description:
            'raw fully connected output x0, y0, x1, y1, ... x67, y67 as fractions of the padded 112 square, ' +
            "before face-api's postProcess; decode with decodeLandmarks in src/main/engine/landmarks/landmarkDecode.ts",
        },
      ],
    };
  },
};
