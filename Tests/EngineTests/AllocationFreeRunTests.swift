import CAllocationCounter
import Engine
import Testing

#if DEBUG
// Unoptimized builds box some unspecialized generic SIMD calls on the heap; the claim is about
// the release build the test command uses.
let optimizedBuild = false
#else
let optimizedBuild = true
#endif

/// `Model.run` allocates nothing, in FP32 and int8: every buffer (the uint8 chain's, the int8
/// matrices' scratch, the indirect convolutions' window tables) is made at init. Measured with the
/// counting allocator wrappers of `CAllocationCounter` (per thread, glibc only), in release builds.
@Suite(.enabled(if: allocation_counting_available() == 1, "needs glibc's __libc_malloc"))
struct AllocationFreeRunTests {
    @Test func theCounterSeesAnAllocation() {
        let before = allocation_count_this_thread()
        let values = [Float](repeating: 1, count: Int.random(in: 100...200))
        #expect(allocation_count_this_thread() > before)
        #expect(values.count >= 100)
    }

    @Test(.enabled(if: optimizedBuild, "release builds only"), arguments: GoldenModelTests.models, [1, 4])
    func runAllocatesNothing(model: String, batch: Int) throws {
        let golden = try GoldenFixture(model)
        try expectNoAllocations(Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 4),
                                golden: golden, model: model, batch: batch)
    }

    @Test(.enabled(if: optimizedBuild, "release builds only"), arguments: Int8AccuracyTests.models, [1, 3])
    func int8RunAllocatesNothing(model: String, batch: Int) throws {
        let golden = try GoldenFixture(model)
        try expectNoAllocations(Model(architecture: golden.architecture, weights: Int8AccuracyTests.quantized(golden),
                                      maxBatch: 4),
                                golden: golden, model: model, batch: batch)
    }

    @Test(.enabled(if: optimizedBuild, "release builds only"), arguments: GoldenModelTests.models, ["fp32", "int8"])
    func siblingRunAllocatesNothing(model: String, precision: String) throws {
        let golden = try GoldenFixture(model)
        let original = try Model(architecture: golden.architecture, weights: SiblingModelTests.weights(golden, precision),
                                 maxBatch: 4)
        try expectNoAllocations(original.makeSibling(), golden: golden, model: model, batch: 4)
    }

    private func expectNoAllocations(_ engine: Model, golden: GoldenFixture, model: String, batch: Int) throws {
        let input = Array(try golden.floats("input.f32").prefix(batch * engine.inputShape.reduce(1, *)))
        var output = [Float](repeating: 0, count: batch * 10)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { y in
                try engine.run(input: x, batch: batch, output: y)  // first run: lazy runtime metadata
                let before = allocation_count_this_thread()
                for _ in 0..<20 { try engine.run(input: x, batch: batch, output: y) }
                let allocations = allocation_count_this_thread() - before
                #expect(allocations == 0,
                        "\(allocations) allocations in 20 \(engine.precision) runs of \(model) at batch \(batch)")
            }
        }
    }
}
