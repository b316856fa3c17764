// Writes the ranker MLP as an ONNX model. No converter from tfjs to ONNX exists in TypeScript, so the graph of this
// one known architecture is written directly as a ModelProto:
//
//   features [N, F] -> MatMul+Add -> Relu -> MatMul+Add -> Relu = hidden [N, H]
//                   -> MatMul+Add -> Sigmoid [N, 1] -> Squeeze(axis 1) = score [N]
//
// The int8 variant stores each weight matrix as int8 with one float scale per output column (symmetric, zero point
// 0) and dequantises it in the graph (DequantizeLinear, axis 1) right before its MatMul. Activations and biases stay
// fp32, so every runtime computes the same numbers; only the file shrinks.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 8;
export const INPUT_NAME = "features";
export const SCORE_OUTPUT = "score";
export const HIDDEN_OUTPUT = "hidden";

export interface DenseLayer {
  /** Row-major [inputs, outputs], so y = x W + b. */
  weight: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

/** The ranker MLP: two ReLU layers (the second one's output is "hidden") and a one-unit sigmoid output layer. */
export interface RankerWeights {
  layers: readonly [DenseLayer, DenseLayer, DenseLayer];
}

export type Precision = "fp32" | "int8";

export interface ExportOptions {
  precision: Precision;
  /** Written to the model's doc string (for example the feature layout version). */
  description?: string;
}

export interface QuantizedMatrix {
  /** Row-major like the source matrix. */
  values: Int8Array;
  /** One per output column: weight ~= value * scale. */
  scales: Float32Array;
}

/** Symmetric per-output-column int8 quantisation: each column's largest magnitude maps to 127. */
export function quantizePerColumn(layer: DenseLayer): QuantizedMatrix {
  const { weight, inputs, outputs } = layer;
  const scales = new Float32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let largest = 0;
    for (let i = 0; i < inputs; i++) largest = Math.max(largest, Math.abs(weight[i * outputs + o]!));
    // An all-zero column (a feature the model never saw vary) still needs a valid, non-zero scale.
    scales[o] = largest > 0 ? largest / 127 : 1;
  }
  const values = new Int8Array(weight.length);
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) {
      values[i * outputs + o] = Math.max(-127, Math.min(127, Math.round(weight[i * outputs + o]! / scales[o]!)));
    }
  }
  return { values, scales };
}

function floatTensor(name: string, dims: number[], values: Float32Array): onnxProto.onnx.ITensorProto {
  // raw_data is little-endian by the ONNX spec; write it explicitly rather than trusting the host's byte order.
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

function int8Tensor(name: string, dims: number[], values: Int8Array): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.INT8, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

function node(opType: string, inputs: string[], outputs: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): onnxProto.onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: `${outputs[0]}_${opType}`, attribute };
}

function validateWeights(weights: RankerWeights): void {
  weights.layers.forEach((layer, l) => {
    if (layer.weight.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
      throw new RangeError(`layer ${l}: weight ${layer.weight.length} / bias ${layer.bias.length} do not fit ${layer.inputs} x ${layer.outputs}`);
    }
    const previous = l > 0 ? weights.layers[l - 1] : undefined;
    if (previous !== undefined && previous.outputs !== layer.inputs) {
      throw new RangeError(`layer ${l} takes ${layer.inputs} inputs but layer ${l - 1} gives ${previous.outputs}`);
    }
  });
  if (weights.layers[2].outputs !== 1) throw new RangeError("the output layer must have exactly one unit");
}

/** The serialised ONNX ModelProto. Same weights and options give the same bytes. */
export function exportRanker(weights: RankerWeights, options: ExportOptions): Uint8Array {
  validateWeights(weights);
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  // Returns the name of the tensor holding layer l's fp32 weight matrix inside the graph.
  const weightInput = (layer: DenseLayer, l: number): string => {
    const dims = [layer.inputs, layer.outputs];
    if (options.precision === "fp32") {
      initializer.push(floatTensor(`w${l}`, dims, layer.weight));
      return `w${l}`;
    }
    const { values, scales } = quantizePerColumn(layer);
    initializer.push(
      int8Tensor(`w${l}_int8`, dims, values),
      floatTensor(`w${l}_scale`, [layer.outputs], scales),
      int8Tensor(`w${l}_zero_point`, [layer.outputs], new Int8Array(layer.outputs)),
    );
    nodes.push(node("DequantizeLinear", [`w${l}_int8`, `w${l}_scale`, `w${l}_zero_point`], [`w${l}`], [
      { name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 },
    ]));
    return `w${l}`;
  };
  const dense = (input: string, layer: DenseLayer, l: number, output: string): void => {
    initializer.push(floatTensor(`b${l}`, [layer.outputs], layer.bias));
    nodes.push(
      node("MatMul", [input, weightInput(layer, l)], [`matmul${l}`]),
      node("Add", [`matmul${l}`, `b${l}`], [output]),
    );
  };
  const [first, second, last] = weights.layers;
  dense(INPUT_NAME, first, 0, "dense0");
  nodes.push(node("Relu", ["dense0"], ["relu0"]));
  dense("relu0", second, 1, "dense1");
  nodes.push(node("Relu", ["dense1"], [HIDDEN_OUTPUT]));
  dense(HIDDEN_OUTPUT, last, 2, "logit");
  nodes.push(node("Sigmoid", ["logit"], ["probability"]));
  // Squeeze takes its axes as an input from opset 13 on.
  initializer.push({ name: "squeeze_axes", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] });
  nodes.push(node("Squeeze", ["probability", "squeeze_axes"], [SCORE_OUTPUT]));

  const model: onnxProto.onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "serendip-offline",
    docString: options.description ?? "",
    graph: {
      name: `ranker_${options.precision}`,
      node: nodes,
      initializer,
      input: [valueInfo(INPUT_NAME, ["N", first.inputs])],
      output: [valueInfo(SCORE_OUTPUT, ["N"]), valueInfo(HIDDEN_OUTPUT, ["N", second.outputs])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
