import Kernels

/// `y = act(x Wᵀ + b)` over the last axis; every row of every sample is one GEMM row.
final class DenseStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let weights: PackedWeights
    private let activation: ActivationF32
    private let rowsPerSample: Int

    init(point: ActivationPoint, weights: PackedWeights, rowsPerSample: Int, activation: ActivationF32) {
        self.point = point
        self.weights = weights
        self.activation = activation
        self.rowsPerSample = rowsPerSample
        outputCount = rowsPerSample * weights.outputs
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        weights.apply(rows: batch * rowsPerSample, x: x, y: y, activation: activation)
    }
}
