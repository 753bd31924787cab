import Kernels
import Testing

@Suite("LSTM recurrence, FP32")
struct LSTMRecurrenceF32Tests {
    @Test(arguments: awkwardSizes + [8, 16, 128], [false, true])
    func stepMatchesReferenceForEverySample(hidden: Int, descending: Bool) {
        let batch = 3, steps = 2
        var data = TestData(seed: UInt64(hidden) * 2 + (descending ? 1 : 0))
        let weights = data.floats(4 * hidden * hidden, in: -0.5, 0.5)
        let gates = data.floats(batch * steps * 4 * hidden, in: -2, 2)
        let cells = data.floats(batch * hidden, in: -2, 2)
        // Sample b's previous h is row b·steps of `states`; the step writes row b·steps + 1.
        let states = data.floats(batch * steps * hidden, in: -1, 1)
        var packed = [Float](repeating: .nan, count: lstmRecurrentWeightsF32Size(hidden: hidden))
        packLSTMRecurrentWeightsF32(hidden: hidden, weights: weights, into: &packed)

        var (g1, c1, s1) = (gates, cells, states)
        g1.withUnsafeMutableBufferPointer { g in
            s1.withUnsafeMutableBufferPointer { s in
                lstmRecurrentStepF32(hidden: hidden, weights: packed, batch: batch, previous: s.baseAddress!,
                                     h: s.baseAddress! + hidden, stateStride: steps * hidden,
                                     gates: g.baseAddress! + 4 * hidden, gatesStride: steps * 4 * hidden, c: &c1,
                                     descending: descending)
            }
        }
        var (g2, c2, s2) = (gates, cells, states)
        for b in 0..<batch {
            g2.withUnsafeMutableBufferPointer { g in
                s2.withUnsafeMutableBufferPointer { s in
                    c2.withUnsafeMutableBufferPointer { c in
                        let row = s.baseAddress! + b * steps * hidden
                        lstmRecurrentStepF32Reference(hidden: hidden, weights: weights, previous: row, h: row + hidden,
                                                      gates: g.baseAddress! + (b * steps + 1) * 4 * hidden,
                                                      c: c.baseAddress! + b * hidden)
                    }
                }
            }
        }
        let tolerance = 1e-5 * Float(max(1, hidden / 16))
        #expect(maxAbsDifference(g1, g2) <= tolerance, "pre-activations")
        #expect(maxAbsDifference(c1, c2) <= tolerance, "cell state")
        #expect(maxAbsDifference(s1, s2) <= tolerance, "hidden state")
        for b in 0..<batch {
            let firstStep = (b * steps) * 4 * hidden..<(b * steps + 1) * 4 * hidden
            #expect(Array(g1[firstStep]) == Array(gates[firstStep]), "sample \(b)'s other step's gates are left alone")
            let previous = b * steps * hidden..<(b * steps + 1) * hidden
            #expect(Array(s1[previous]) == Array(states[previous]), "sample \(b)'s previous h is left alone")
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
