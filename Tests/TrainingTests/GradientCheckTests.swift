import Engine
import Testing
import Training

/// Every hand-written backward pass agrees with central finite differences of the loss.
@Suite struct GradientCheckTests {
    static let small: [(String, Architecture)] = [
        ("conv (padding, stride) + max pool + dense relu", Architecture(inputShape: [2, 7, 7], layers: [
            .conv2d(Conv2D(name: "c1", outChannels: 3, kernel: [3, 3], stride: [1, 1], padding: [1, 1], activation: .relu)),
            .maxPool2d(MaxPool2D(name: "p1", kernel: [2, 2], stride: [2, 2])),
            .conv2d(Conv2D(name: "c2", outChannels: 4, kernel: [2, 2], stride: [2, 1], activation: .relu)),
            .flatten(name: "f"),
            .dense(Dense(name: "d1", outFeatures: 6, activation: .relu)),
            .dense(Dense(name: "d2", outFeatures: 5)),
            .softmax(name: "s"),
        ])),
        ("lstm + dense", .lstm(steps: 4, features: 3, hidden: 5, classes: 4)),
        ("patches + positions + encoder block (attention, layer norm, gelu) + mean pool",
         .attention(patch: 4, width: 8, blocks: 1, heads: 2, mlpHidden: 6, classes: 3)),
    ]

    @Test(arguments: 0..<small.count)
    func parameterAndInputGradientsMatchFiniteDifferences(case index: Int) throws {
        try checkGradients(case: index, labelSmoothing: 0)
    }

    @Test func labelSmoothedLossGradientsMatchFiniteDifferences() throws {
        try checkGradients(case: 1, labelSmoothing: 0.2)
    }

    @Test func labelSmoothingRaisesTheLossOfAConfidentCorrectPrediction() throws {
        let architecture = Architecture(inputShape: [2], layers: [.dense(Dense(name: "d", outFeatures: 3)), .softmax(name: "s")])
        let plain = try GradientProbe(architecture: architecture, batch: 1, seed: 1)
        let smoothed = try GradientProbe(architecture: architecture, batch: 1, seed: 1, labelSmoothing: 0.3)
        for probe in [plain, smoothed] {
            for i in 0..<probe.parameterCount { probe.setParameter(i, 0) }
            probe.setParameter(0, 20)  // logit 0 = 20 · x0, the others 0: near-certain class 0
        }
        let input: [Float] = [1, 0]
        #expect(plain.loss(input: input, labels: [0]) < 1e-6)
        // With p ≈ onehot the smoothed loss is ε(K−1)/K · 20 (the logit gap) plus O(e^-20).
        #expect(abs(smoothed.loss(input: input, labels: [0]) - 0.3 * 2 / 3 * 20) < 1e-3)
    }

    private func checkGradients(case index: Int, labelSmoothing: Float) throws {
        let (label, architecture) = Self.small[index]
        let batch = 3
        let probe = try GradientProbe(architecture: architecture, batch: batch, seed: 11, labelSmoothing: labelSmoothing)
        var random = SeededRandom(seed: 5)
        let input = (0..<probe.inputCount).map { _ in Float(random.next() % 1000) / 1000 }
        let classes = try architecture.outputShape().reduce(1, *)
        let labels = (0..<batch).map { Int32($0 % classes) }
        let (analytic, inputAnalytic) = probe.gradients(input: input, labels: labels)
        let eps: Float = 1e-3

        for (name, range) in probe.parameterRanges() {
            let step = max(range.count / 25, 1)
            for i in stride(from: range.lowerBound, to: range.upperBound, by: step) {
                let saved = probe.parameter(i)
                probe.setParameter(i, saved + eps)
                let up = probe.loss(input: input, labels: labels)
                probe.setParameter(i, saved - eps)
                let down = probe.loss(input: input, labels: labels)
                probe.setParameter(i, saved)
                let numeric = (up - down) / Double(2 * eps)
                #expect(abs(numeric - Double(analytic[i])) <= 2e-3 + 2e-2 * abs(numeric),
                        "\(label): \(name) parameter \(i): finite difference \(numeric), backward \(analytic[i])")
            }
        }
        for i in stride(from: 0, to: input.count, by: max(input.count / 30, 1)) {
            var shifted = input
            shifted[i] += eps
            let up = probe.loss(input: shifted, labels: labels)
            shifted[i] -= 2 * eps
            let down = probe.loss(input: shifted, labels: labels)
            let numeric = (up - down) / Double(2 * eps)
            #expect(abs(numeric - Double(inputAnalytic[i])) <= 2e-3 + 2e-2 * abs(numeric),
                    "\(label): input \(i): finite difference \(numeric), backward \(inputAnalytic[i])")
        }
    }
}
