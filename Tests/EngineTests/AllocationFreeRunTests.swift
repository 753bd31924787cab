import CAllocationCounter
import Engine
import Testing

#if DEBUG
// Unoptimized builds box some unspecialized generic SIMD calls on the heap; the claim is about
// the release build the test command uses.
private let optimizedBuild = false
#else
private let optimizedBuild = true
#endif

/// `Model.run` allocates nothing: every buffer is made at init. Measured with the counting
/// allocator wrappers of `CAllocationCounter` (per thread, glibc only), in release builds.
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
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 4)
        let input = Array(try golden.floats("input.f32").prefix(batch * engine.inputShape.reduce(1, *)))
        var output = [Float](repeating: 0, count: batch * 10)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { y in
                try engine.run(input: x, batch: batch, output: y)  // first run: lazy runtime metadata
                let before = allocation_count_this_thread()
                for _ in 0..<20 { try engine.run(input: x, batch: batch, output: y) }
                let allocations = allocation_count_this_thread() - before
                #expect(allocations == 0, "\(allocations) allocations in 20 runs of \(model) at batch \(batch)")
            }
        }
    }
}
