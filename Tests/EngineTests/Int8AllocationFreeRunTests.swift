import CAllocationCounter
import Engine
import Testing

#if DEBUG
private let optimizedBuild = false
#else
private let optimizedBuild = true
#endif

/// An int8 `Model.run` allocates nothing either: the uint8 chain's buffers, the int8 matrices'
/// scratch and the indirect convolutions' window tables are all made at init. Release builds only
/// (unoptimized builds box some generic SIMD calls).
@Suite(.enabled(if: allocation_counting_available() == 1, "needs glibc's __libc_malloc"))
struct Int8AllocationFreeRunTests {
    @Test(.enabled(if: optimizedBuild, "release builds only"), arguments: Int8AccuracyTests.models, [1, 3])
    func int8RunAllocatesNothing(model: String, batch: Int) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: Int8AccuracyTests.quantized(golden), maxBatch: 4)
        let input = Array(try golden.floats("input.f32").prefix(batch * engine.inputShape.reduce(1, *)))
        var output = [Float](repeating: 0, count: batch * 10)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { y in
                try engine.run(input: x, batch: batch, output: y)  // first run: lazy runtime metadata
                let before = allocation_count_this_thread()
                for _ in 0..<20 { try engine.run(input: x, batch: batch, output: y) }
                let allocations = allocation_count_this_thread() - before
                #expect(allocations == 0, "\(allocations) allocations in 20 int8 runs of \(model) at batch \(batch)")
            }
        }
    }
}
