import Kernels
import Testing

@Suite("LSTM recurrence, FP32")
struct LSTMRecurrenceF32Tests {
    @Test(arguments: awkwardSizes + [8, 16, 128], [false, true])
    func addedGatesMatchReferenceForEverySample(hidden: Int, descending: Bool) {
        let batch = 3, steps = 2
        var data = TestData(seed: UInt64(hidden) * 2 + (descending ? 1 : 0))
        let weights = data.floats(4 * hidden * hidden, in: -0.5, 0.5)
        let states = data.floats(batch * steps * hidden, in: -1, 1)
        let gates = data.floats(batch * steps * 4 * hidden, in: -2, 2)
        var packed = [Float](repeating: .nan, count: lstmRecurrentWeightsF32Size(hidden: hidden))
        packLSTMRecurrentWeightsF32(hidden: hidden, weights: weights, into: &packed)

        var optimized = gates
        // Sample b's previous h is row b·steps of `states`; its gates are row b·steps + 1 of `gates`.
        optimized.withUnsafeMutableBufferPointer { g in
            addLSTMRecurrentF32(hidden: hidden, weights: packed, batch: batch, previous: states,
                                stateStride: steps * hidden, gates: g.baseAddress! + 4 * hidden,
                                gatesStride: steps * 4 * hidden, descending: descending)
        }
        var expected = gates
        for b in 0..<batch {
            expected.withUnsafeMutableBufferPointer { g in
                states.withUnsafeBufferPointer { s in
                    addLSTMRecurrentF32Reference(hidden: hidden, weights: weights, previous: s.baseAddress! + b * steps * hidden,
                                                 gates: g.baseAddress! + (b * steps + 1) * 4 * hidden)
                }
            }
        }
        #expect(maxAbsDifference(optimized, expected) <= 1e-5 * Float(max(1, hidden / 16)))
        for b in 0..<batch {
            let untouched = (b * steps) * 4 * hidden..<(b * steps + 1) * 4 * hidden
            #expect(Array(optimized[untouched]) == Array(gates[untouched]), "sample \(b)'s other step is left alone")
        }
    }

    @Test func packingPadsTheLastBlockWithZeros() {
        let hidden = 3
        let weights = (0..<4 * hidden * hidden).map { Float($0 + 1) }
        var packed = [Float](repeating: .nan, count: lstmRecurrentWeightsF32Size(hidden: hidden))
        packLSTMRecurrentWeightsF32(hidden: hidden, weights: weights, into: &packed)
        #expect(packed.count == hidden * 32)
        // Input k = 0, gate f (row hidden + unit): units 0..<3 then five zero lanes.
        #expect(Array(packed[8..<16]) == [weights[3 * hidden], weights[4 * hidden], weights[5 * hidden], 0, 0, 0, 0, 0])
    }
}
