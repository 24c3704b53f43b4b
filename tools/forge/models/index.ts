import type { ModelRecipe } from '../recipe.js';
import { faceLandmark68Recipe } from './faceLandmark68.js';
import { faceRecognitionRecipe } from './faceRecognition.js';
import { ssdMobilenetv1Recipe } from './ssdMobilenetv1.js';
import { tinyFaceDetectorRecipe } from './tinyFaceDetector.js';

/** Every network the forge converts, in manifest order. */
export const RECIPES: readonly ModelRecipe[] = [
  ssdMobilenetv1Recipe,
  tinyFaceDetectorRecipe,
  faceLandmark68Recipe,
  faceRecognitionRecipe,
];
