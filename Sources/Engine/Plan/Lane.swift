import Kernels

/// A compiled model for up to `capacity` samples: the step list and two ping-pong activation
/// buffers, all allocated here. One lane runs on one thread at a time.
final class Lane {
    let steps: [Step]
    let capacity: Int
    private let ping: FloatBuffer, pong: FloatBuffer

    init(architecture: Architecture, packer: WeightPacker, capacity: Int) throws(EngineError) {
        self.capacity = capacity
        var builder = try LaneBuilder(architecture: architecture, packer: packer, capacity: capacity)
        var rest = architecture.layers[...]
        while let layer = rest.first {
            let taken = try builder.addQuantizedChain(rest)
            if taken == 0 { try builder.add(layer) }
            rest = rest.dropFirst(max(taken, 1))
        }
        builder.finish()
        steps = builder.steps
        let widest = steps.map(\.outputCount).max() ?? 0
        let inputCount = architecture.inputShape.reduce(1, *)
        ping = FloatBuffer(count: capacity * max(widest, inputCount))
        pong = FloatBuffer(count: capacity * max(widest, inputCount))
    }

    /// Every observable point, in execution order.
    var points: [ActivationPoint] {
        steps.flatMap { step in step.internalPoints + (step.point.map { [$0] } ?? []) }
    }

    /// Runs `batch ≤ capacity` samples from `x` into `y` (`batch × outputCount` floats); reports
    /// activation points to `observe` only when `observing`.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver,
             observing: Bool = true) {
        var source = x
        var target = ping.pointer, spare = pong.pointer
        var index = 0
        while index < steps.count {
            let step = steps[index]
            if !observing && step.fusesNextStep {
                step.runWithNextStep(source, target, batch: batch)
                index += 1
            } else {
                step.run(source, target, batch: batch, observe: observe, observing: observing)
                if observing, let point = step.point { report(observe, point, target, batch: batch) }
            }
            source = UnsafePointer(target)
            swap(&target, &spare)
            index += 1
        }
        y.update(from: source, count: batch * (steps.last?.outputCount ?? 0))
    }
}
