// The ranker MLP, trained with tfjs: features -> 32 ReLU -> 16 ReLU ("hidden", the bandits' context) -> 1 sigmoid.
// Gradients come from tfjs' autodiff (optimizer.minimize); the only arithmetic done by hand is folding the input
// standardisation into the first layer when the weights are handed to the ONNX exporter.
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node build registers no gradient functions; tfjs-layers' build registers all of them (into tfjs'
// global registry) when imported, which is what optimizer.minimize needs.
import "@tensorflow/tfjs-layers";
import { gaussian, type Random } from "../src/ranking/random.js";
import type { LabelledRows } from "./dataset.js";
import type { DenseLayer, RankerWeights } from "./onnx-export.js";
import { useWasmBackend } from "./text-encoder.js";

export interface RankerTrainingOptions {
  featureCount: number;
  hiddenUnits: readonly [number, number];
  epochs: number;
  batchSize: number;
  learningRate: number;
  random: Random;
  onStep?: (progress: { epoch: number; loss: number }) => void;
}

export interface RankerOutputs { score: Float32Array; hidden: Float32Array }

export interface TrainedRanker {
  /** Columns held constant in training (standardised to 0, weights pinned to 0): the model ignores them. */
  readonly ignoredColumns: number[];
  predict(features: Float32Array, rows: number): RankerOutputs;
  /** Weights on raw features: the standardisation is folded into the first layer, so the graph needs no extra ops. */
  exportWeights(): RankerWeights;
  dispose(): void;
}

/** Packages that register the other tfjs backends: tfjs-node ("tensorflow") is the fast one where it can install. */
const BACKEND_PACKAGES: Readonly<Record<string, string>> = { cpu: "@tensorflow/tfjs-backend-cpu", tensorflow: "@tensorflow/tfjs-node" };

export async function useTrainingBackend(name: string): Promise<void> {
  if (name === "wasm") return useWasmBackend();
  const packageName = BACKEND_PACKAGES[name];
  if (packageName === undefined) throw new Error(`unknown tfjs backend "${name}" (known: wasm, ${Object.keys(BACKEND_PACKAGES).join(", ")})`);
  await import(packageName);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" did not initialise`);
  await tf.ready();
}

/** Below this standard deviation a column counts as constant. */
const CONSTANT_COLUMN = 1e-9;
const PREDICT_CHUNK = 65_536;

function columnStatistics(data: LabelledRows, featureCount: number): { mean: Float32Array; scale: Float32Array; constant: boolean[] } {
  const sum = new Float64Array(featureCount);
  const squares = new Float64Array(featureCount);
  for (let r = 0; r < data.rows; r++) {
    for (let f = 0; f < featureCount; f++) {
      const value = data.features[r * featureCount + f]!;
      sum[f]! += value;
      squares[f]! += value * value;
    }
  }
  const mean = new Float32Array(featureCount);
  const scale = new Float32Array(featureCount);
  const constant: boolean[] = [];
  for (let f = 0; f < featureCount; f++) {
    const m = sum[f]! / data.rows;
    const sd = Math.sqrt(Math.max(0, squares[f]! / data.rows - m * m));
    mean[f] = m;
    constant.push(sd < CONSTANT_COLUMN);
    scale[f] = sd < CONSTANT_COLUMN ? 1 : sd;
  }
  return { mean, scale, constant };
}

/** He-normal weights (ReLU layers keep their activation scale), zero biases, all from the seeded stream. */
function initialLayer(inputs: number, outputs: number, random: Random, zeroRows: readonly boolean[] = []): DenseLayer {
  const std = Math.sqrt(2 / inputs);
  const weight = new Float32Array(inputs * outputs);
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) {
      // Drawn even for a zeroed row, so models differing only in which columns are constant start from the same point.
      const value = gaussian(random) * std;
      weight[i * outputs + o] = zeroRows[i] === true ? 0 : value;
    }
  }
  return { weight, bias: new Float32Array(outputs), inputs, outputs };
}

export async function trainRanker(data: LabelledRows, options: RankerTrainingOptions): Promise<TrainedRanker> {
  const { featureCount, hiddenUnits, epochs, batchSize, learningRate, random } = options;
  const { mean, scale, constant } = columnStatistics(data, featureCount);
  const initial = [
    // A column that never varies in training has no gradient; a zero row keeps its weights from turning into noise
    // when the column does vary at serving time (hour and device: training rows carry no request context).
    initialLayer(featureCount, hiddenUnits[0], random, constant),
    initialLayer(hiddenUnits[0], hiddenUnits[1], random),
    initialLayer(hiddenUnits[1], 1, random),
  ];
  const variables = initial.map((layer) => ({
    weight: tf.variable(tf.tensor2d(layer.weight, [layer.inputs, layer.outputs])),
    bias: tf.variable(tf.tensor1d(layer.bias)),
  }));
  const [v0, v1, v2] = variables as [typeof variables[0], typeof variables[0], typeof variables[0]];
  const meanTensor = tf.tensor1d(mean);
  const scaleTensor = tf.tensor1d(scale);

  const forward = (raw: tf.Tensor2D): { logits: tf.Tensor2D; hidden: tf.Tensor2D } => {
    const x = tf.div(tf.sub(raw, meanTensor), scaleTensor);
    const first = tf.relu(tf.add(tf.matMul(x, v0.weight), v0.bias));
    const hidden = tf.relu(tf.add(tf.matMul(first, v1.weight), v1.bias)) as tf.Tensor2D;
    return { logits: tf.add(tf.matMul(hidden, v2.weight), v2.bias) as tf.Tensor2D, hidden };
  };

  const optimizer = tf.train.adam(learningRate);
  const order = Array.from({ length: data.rows }, (_, i) => i);
  const batchFeatures = new Float32Array(batchSize * featureCount);
  const batchLabels = new Float32Array(batchSize);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      for (let b = 0; b < size; b++) {
        const row = order[start + b]!;
        batchFeatures.set(data.features.subarray(row * featureCount, (row + 1) * featureCount), b * featureCount);
        batchLabels[b] = data.labels[row]!;
      }
      const cost = optimizer.minimize(() => tf.tidy(() => {
        const x = tf.tensor2d(batchFeatures.subarray(0, size * featureCount), [size, featureCount]);
        const y = tf.tensor2d(batchLabels.subarray(0, size), [size, 1]);
        return tf.losses.sigmoidCrossEntropy(y, forward(x).logits) as tf.Scalar;
      }), true);
      options.onStep?.({ epoch, loss: cost!.dataSync()[0]! });
      cost!.dispose();
    }
  }
  optimizer.dispose();

  return {
    ignoredColumns: constant.flatMap((isConstant, f) => (isConstant ? [f] : [])),
    predict(features, rows) {
      const score = new Float32Array(rows);
      const hidden = new Float32Array(rows * hiddenUnits[1]);
      for (let start = 0; start < rows; start += PREDICT_CHUNK) {
        const size = Math.min(PREDICT_CHUNK, rows - start);
        const [probabilities, activations] = tf.tidy(() => {
          const out = forward(tf.tensor2d(features.subarray(start * featureCount, (start + size) * featureCount), [size, featureCount]));
          return [tf.sigmoid(out.logits), out.hidden];
        });
        score.set(probabilities.dataSync(), start);
        hidden.set(activations.dataSync(), start * hiddenUnits[1]);
        tf.dispose([probabilities, activations]);
      }
      return { score, hidden };
    },
    exportWeights() {
      const [first, second, last] = variables.map(({ weight, bias }) => {
        const [inputs, outputs] = weight.shape as [number, number];
        return { weight: Float32Array.from(weight.dataSync()), bias: Float32Array.from(bias.dataSync()), inputs, outputs };
      }) as [DenseLayer, DenseLayer, DenseLayer];
      // ((x - mean) / scale) W + b  ==  x (W / scale) + (b - (mean / scale) W)
      const weight = new Float32Array(first.weight.length);
      const bias = Float64Array.from(first.bias);
      for (let i = 0; i < first.inputs; i++) {
        for (let o = 0; o < first.outputs; o++) {
          const w = first.weight[i * first.outputs + o]!;
          weight[i * first.outputs + o] = w / scale[i]!;
          bias[o]! -= (mean[i]! / scale[i]!) * w;
        }
      }
      return { layers: [{ ...first, weight, bias: Float32Array.from(bias) }, second, last] };
    },
    dispose() {
      tf.dispose([meanTensor, scaleTensor, ...variables.flatMap(({ weight, bias }) => [weight, bias])]);
    },
  };
}
