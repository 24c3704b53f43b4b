import { SSD_INPUT_SIZE } from '../../../src/main/engine/detect/ssdDecode.js';
import { FACE_API_PACKAGE, FACE_API_VERSION } from '../forge.js';
import { channelVector, conv2d, depthwiseConv2d, nhwcInput, toNhwc } from '../layers.js';
import { int, OnnxGraph } from '../onnxGraph.js';
import { rgbInput, type ModelRecipe } from '../recipe.js';
import { requireWeight, type Weight } from '../weights.js';

/**
 * face-api's SsdMobilenetv1: the MobileNetV1 backbone, the extra SSD feature layers and the six
 * box predictors, up to the raw box encodings and class logits. Anchor decoding, the sigmoid,
 * thresholding and NMS happen in src/main/engine/detect/ssdDecode.ts. The anchors themselves
 * (`Output/extra_dim`) are exported as a constant output so the decoder gets face-api's exact
 * float32 values from the model it already runs; the weights' int32 entries and the
 * Preprocessor/* scalars are leftovers of the original TF graph that face-api never reads.
 */

export const SSD_ANCHOR_COUNT = 5118;
/** background, face, and an unused third class; face-api scores the face column only. */
export const SSD_CLASS_COUNT = 3;

/** mobileNetV1.ts's batch-norm epsilon, already the float32 nearest 0.001. */
const BATCH_NORM_EPSILON = 0.0010000000474974513;
/** MobileNetV1 depthwise layers that halve the feature map (getStridesForLayerIdx). */
const STRIDE_TWO_LAYERS = new Set([2, 4, 6, 12]);
const MOBILENET_PAIRS = 13;
const PREDICTION_CONVS = 8;

export const ssdMobilenetv1Recipe: ModelRecipe = {
  id: 'ssdMobilenetv1',
  faceApiModel: 'ssd_mobilenetv1_model',
  task: 'face-detection',
  build(weights, source) {
    const weight = (name: string): Weight => requireWeight(weights, name, source);
    const graph = new OnnxGraph('ssdMobilenetv1');
    const inputShape = ['batch', SSD_INPUT_SIZE, SSD_INPUT_SIZE, 3];
    const pixels = nhwcInput(graph, 'input', inputShape);
    // tf.sub(tf.div(batchTensor, 127.5), 1): a true division, then the subtraction.
    const scaled = graph.node('Div', [pixels, graph.scalar('half_range', 127.5)]);
    const normalised = graph.node('Sub', [scaled, graph.scalar('one', 1)]);

    const relu6Min = graph.scalar('relu6_min', 0);
    const relu6Max = graph.scalar('relu6_max', 6);
    const clip6 = (value: string): string => graph.node('Clip', [value, relu6Min, relu6Max]);

    // pointwiseConvLayer: conv2d SAME, add the folded batch-norm offset, clip to 0..6.
    const pointwise = (input: string, prefix: string, strides: number): string =>
      clip6(
        conv2d(graph, input, weight(`${prefix}/weights`), weight(`${prefix}/convolution_bn_offset`), {
          padding: 'same',
          strides,
        }),
      );

    // depthwiseConvLayer: tf.batchNorm as the wasm kernel evaluates it,
    // offset + (x - mean) * scale / sqrt(variance + epsilon), then clip to 0..6.
    const epsilon = graph.scalar('batch_norm_epsilon', BATCH_NORM_EPSILON);
    const depthwise = (input: string, prefix: string, strides: number): string => {
      const conv = depthwiseConv2d(graph, input, weight(`${prefix}/depthwise_weights`), undefined, {
        padding: 'same',
        strides,
      });
      const norm = (name: string): string => channelVector(graph, weight(`${prefix}/BatchNorm/${name}`));
      const centred = graph.node('Sub', [conv, norm('moving_mean')]);
      const scaledByGamma = graph.node('Mul', [centred, norm('gamma')]);
      const deviation = graph.node('Sqrt', [graph.node('Add', [norm('moving_variance'), epsilon])]);
      return clip6(graph.node('Add', [norm('beta'), graph.node('Div', [scaledByGamma, deviation])]));
    };

    // mobileNetV1: backbone[layer] is the output of conv pair `layer`.
    const backbone = [pointwise(normalised, 'MobilenetV1/Conv2d_0_pointwise', 2)];
    for (let layer = 1; layer <= MOBILENET_PAIRS; layer++) {
      const strides = STRIDE_TWO_LAYERS.has(layer) ? 2 : 1;
      const spatial = depthwise(backbone[layer - 1] as string, `MobilenetV1/Conv2d_${layer}_depthwise`, strides);
      backbone.push(pointwise(spatial, `MobilenetV1/Conv2d_${layer}_pointwise`, 1));
    }
    const backboneOut = backbone[MOBILENET_PAIRS] as string;

    // predictionLayer: alternating 1x1 and strided 3x3 convs; the odd ones feed predictors 2..5.
    const predictionConvs: string[] = [];
    let feature = backboneOut;
    for (let layer = 0; layer < PREDICTION_CONVS; layer++) {
      feature = pointwise(feature, `Prediction/Conv2d_${layer}_pointwise`, layer % 2 === 1 ? 2 : 1);
      predictionConvs.push(feature);
    }
    const predictorInputs = [
      backbone[11] as string,
      backboneOut,
      ...[1, 3, 5, 7].map((layer) => predictionConvs[layer] as string),
    ];

    // boxPredictionLayer: a 1x1 conv + bias, flattened in NHWC order to one row per anchor.
    const concatAnchors = (kind: string, width: number): string => {
      const rowsShape = graph.int64s(`${kind}/rows_shape`, [0, -1, width]);
      const rows = predictorInputs.map((input, index) => {
        const prefix = `Prediction/BoxPredictor_${index}/${kind}`;
        const conv = conv2d(graph, input, weight(`${prefix}/weights`), weight(`${prefix}/biases`), {
          padding: 'same',
        });
        return graph.node('Reshape', [toNhwc(graph, conv), rowsShape]);
      });
      return graph.node('Concat', rows, { axis: int(1) });
    };

    const boxShape = ['batch', SSD_ANCHOR_COUNT, 4];
    const classShape = ['batch', SSD_ANCHOR_COUNT, SSD_CLASS_COUNT];
    const anchorShape = [SSD_ANCHOR_COUNT, 4];
    graph.output(concatAnchors('BoxEncodingPredictor', 4), 'box_encodings', boxShape);
    graph.output(concatAnchors('ClassPredictor', SSD_CLASS_COUNT), 'class_logits', classShape);
    graph.output(graph.weight(weight('Output/extra_dim'), undefined, anchorShape), 'anchors', anchorShape);

    return {
      bytes: graph.toBytes(`face-api SsdMobilenetv1 (${FACE_API_PACKAGE} ${FACE_API_VERSION}, ssd_mobilenetv1_model)`),
      input: rgbInput(
        inputShape,
        'x / 127.5 - 1',
        `pad the image to a square with black at the bottom/right (toBatchTensor(${SSD_INPUT_SIZE}, false)), ` +
          `then resize to ${SSD_INPUT_SIZE}x${SSD_INPUT_SIZE} with TensorFlow legacy bilinear ` +
          '(align_corners=false, half_pixel_centers=false)',
      ),
      outputs: [
        {
          name: 'box_encodings',
          shape: boxShape,
          description:
            'raw SSD box encodings per anchor, [ty, tx, th, tw] before anchor decoding (face-api outputLayer divides ' +
            'the centre by 10 and the log-size by 5); anchors in the order of the anchors output',
        },
        {
          name: 'class_logits',
          shape: classShape,
          description: 'raw class logits per anchor, [background, face, unused]; the face score is sigmoid(logit 1)',
        },
        {
          name: 'anchors',
          shape: anchorShape,
          description:
            "face-api's SSD anchors (Output/extra_dim) as [ymin, xmin, ymax, xmax] fractions of the padded square; " +
            'constant, decode with src/main/engine/detect/ssdDecode.ts',
        },
      ],
    };
  },
};
