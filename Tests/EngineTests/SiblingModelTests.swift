import Engine
import Testing

/// `Model.makeSibling()`: another instance over the same packed weights, for another thread. It
/// computes exactly what its original and a freshly built model compute, runs at the same time as
/// its original, and needs no raw weights (a model keeps none).
@Suite struct SiblingModelTests {
    static let precisions = ["fp32", "int8"]

    static func weights(_ golden: GoldenFixture, _ precision: String) throws -> WeightSet {
        precision == "int8" ? try Int8AccuracyTests.quantized(golden) : try golden.weightSet()
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test(arguments: GoldenModelTests.models, precisions)
    func siblingComputesTheSameBitsAsItsOriginalAndAFreshModel(model: String, precision: String) throws {
        let golden = try GoldenFixture(model)
        let weights = try Self.weights(golden, precision)
        let original = try Model(architecture: golden.architecture, weights: weights, maxBatch: 4)
        let sibling = try original.makeSibling()
        let fresh = try Model(architecture: golden.architecture, weights: weights, maxBatch: 4)
        #expect(sibling !== original)
        #expect(sibling.precision == original.precision && sibling.maxBatch == 4 && sibling.threads == 1)
        #expect(sibling.inputShape == original.inputShape && sibling.outputShape == original.outputShape)
        let size = original.inputShape.reduce(1, *)
        let input = Array(try golden.floats("input.f32").prefix(4 * size))
        for batch in [4, 1] {
            let x = Array(input.prefix(batch * size))
            let expected = Self.bits(try fresh.run(x, batch: batch))
            #expect(Self.bits(try original.run(x, batch: batch)) == expected, "original, batch \(batch)")
            #expect(Self.bits(try sibling.run(x, batch: batch)) == expected, "sibling, batch \(batch)")
        }
    }

    @Test(arguments: GoldenModelTests.models, precisions)
    func siblingRunsAtTheSameTimeAsItsOriginal(model: String, precision: String) async throws {
        let golden = try GoldenFixture(model)
        let original = try Model(architecture: golden.architecture, weights: try Self.weights(golden, precision), maxBatch: 2)
        let sibling = try original.makeSibling()
        let size = original.inputShape.reduce(1, *)
        let input = Array(try golden.floats("input.f32").prefix(4 * size))
        // Each instance gets its own inputs, so an instance reading the other's scratch would
        // produce the other's results.
        let inputs = [Array(input.prefix(2 * size)), Array(input.suffix(2 * size))]
        let expected = try inputs.map { try Self.bits(original.run($0, batch: 2)) }
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, engine) in [original, sibling].enumerated() {
                group.addTask {
                    var wrong = 0
                    for _ in 0..<300 {
                        if Self.bits(try engine.run(inputs[index], batch: 2)) != expected[index] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0, "\(wrong) of 600 concurrent runs differed")
    }

    @Test(arguments: GoldenModelTests.models, precisions)
    func siblingOfASiblingOutlivesTheOriginal(model: String, precision: String) throws {
        let golden = try GoldenFixture(model)
        let weights = try Self.weights(golden, precision)
        let input = Array(try golden.floats("input.f32").prefix(golden.architecture.inputShape.reduce(1, *)))
        var original: Model? = try Model(architecture: golden.architecture, weights: weights)
        let expected = Self.bits(try original!.run(input))
        var sibling: Model? = try original!.makeSibling()
        original = nil
        let grandchild = try sibling!.makeSibling()
        sibling = nil
        #expect(Self.bits(try grandchild.run(input)) == expected)
    }

    @Test(arguments: GoldenModelTests.models, [2, 3])
    func int8LanesSharingPacksGiveTheSameBitsAsOneThread(model: String, threads: Int) throws {
        let golden = try GoldenFixture(model)
        let weights = try Int8AccuracyTests.quantized(golden)
        let one = try Model(architecture: golden.architecture, weights: weights, maxBatch: 8)
        let split = try Model(architecture: golden.architecture, weights: weights, maxBatch: 8, threads: threads)
        let splitSibling = try split.makeSibling()
        let input = try golden.floats("input.f32")
        let expected = Self.bits(try one.run(input, batch: 8))
        #expect(Self.bits(try split.run(input, batch: 8)) == expected)
        #expect(Self.bits(try splitSibling.run(input, batch: 8)) == expected)
    }
}
