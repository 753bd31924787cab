import Engine

/// Where a model's time goes: the median time from the previous activation point (or the start
/// of the run) to each activation point the engine reports, over `runs` observed runs. Points
/// that a step reports together (the internals of an encoder block) share that step's time.
func profileLayers(model: Model, input: UnsafeBufferPointer<Float>, batch: Int,
                   output: UnsafeMutableBufferPointer<Float>, runs: Int) throws(EngineError) -> [(point: String, medianNanoseconds: Double)] {
    var names: [String] = []
    try model.run(input: input, batch: batch, output: output, observe: { point, _ in names.append(point.name) })
    let stride = names.count + 1
    var stamps = [UInt64](repeating: 0, count: runs * stride)
    try stamps.withUnsafeMutableBufferPointer { (stamps) throws(EngineError) in
        for run in 0..<runs {
            var slot = run * stride
            stamps[slot] = monotonicNanoseconds()
            try model.run(input: input, batch: batch, output: output, observe: { _, _ in
                slot += 1
                stamps[slot] = monotonicNanoseconds()
            })
        }
    }
    return names.indices.map { index in
        let intervals = (0..<runs).map { run in Double(stamps[run * stride + index + 1] &- stamps[run * stride + index]) }
        return (names[index], median(intervals))
    }
}
