import Kernels

/// LayerNorm over the last axis.
final class LayerNormStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let width: Int
    private let gamma: FloatBuffer, beta: FloatBuffer
    private let eps: Float

    init(point: ActivationPoint, width: Int, gamma: FloatBuffer, beta: FloatBuffer, eps: Float) {
        self.point = point
        self.width = width
        self.gamma = gamma; self.beta = beta; self.eps = eps
        outputCount = point.elementCount
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        layerNormF32(rows: batch * outputCount / width, columns: width, x: x, y: y,
                     gamma: gamma.pointer, beta: beta.pointer, eps: eps)
    }
}

/// Softmax over the last axis.
final class SoftmaxStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let width: Int

    init(point: ActivationPoint, width: Int) {
        self.point = point
        self.width = width
        outputCount = point.elementCount
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        y.update(from: x, count: batch * outputCount)
        softmaxF32(rows: batch * outputCount / width, columns: width, x: y, stride: width)
    }
}

/// Adds a learned `[T, D]` table to every sample.
final class PositionEmbeddingStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let table: FloatBuffer

    init(point: ActivationPoint, table: FloatBuffer) {
        self.point = point
        self.table = table
        outputCount = point.elementCount
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        forEachSample(batch: batch, x: x, inputCount: outputCount, y: y, outputCount: outputCount) { x, y in
            addF32(count: outputCount, a: x, b: table.pointer, y: y)
        }
    }
}

/// Mean over tokens: `[T, D]` to `[D]`.
final class MeanPoolStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let tokens: Int

    init(point: ActivationPoint, tokens: Int) {
        self.point = point
        self.tokens = tokens
        outputCount = point.elementCount
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        forEachSample(batch: batch, x: x, inputCount: tokens * outputCount, y: y, outputCount: outputCount) { x, y in
            meanRowsF32(rows: tokens, columns: outputCount, x: x, y: y)
        }
    }
}

/// Runs `body` on each sample of a batch: its input (samples `inputCount` floats apart) and its
/// output (`outputCount` apart).
@inline(__always)
private func forEachSample(batch: Int, x: UnsafePointer<Float>, inputCount: Int, y: UnsafeMutablePointer<Float>,
                           outputCount: Int, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
    for b in 0..<batch { body(x + b * inputCount, y + b * outputCount) }
}
