import Engine
import Foundation
import ModelFile
import Server
import Testing

/// Finite inputs far outside the range a model was trained on: the answer is a set of
/// probabilities, or a 400 saying the model's arithmetic overflowed, never a 200 with values
/// outside [0, 1] or `null`s.
@Suite struct ExtremeInputTests {
    static func request(pixels: [Float]) -> String {
        let data = pixels.map { "\($0)" }.joined(separator: ",")
        return #"{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[\#(data)]}]}"#
    }

    @Test func largePixelsStillGiveProbabilities() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start()
        let client = daemon.client()

        for value: Float in [1e10, 1e12, 1e15] {
            var pixels = [Float](repeating: 0, count: 784)
            pixels[400] = value
            let response = try client.post("/v2/models/cnn/infer", json: Self.request(pixels: pixels))
            #expect(response.status == 200, "\(response.text)")
            let outputs = try #require(try json(response)["outputs"] as? [[String: Any]])
            let probabilities = try #require(outputs.first?["data"] as? [Double])
            #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "pixel \(value): \(probabilities)")
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5, "pixel \(value): \(probabilities)")
        }

        #expect(try client.get("/v2/health/live").status == 200)
    }

    @Test func anOverflowingInputIsA400NamingTheOutputAndTheCause() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        // Every weight 1: two inputs of 3.4e38 sum to +∞ in each logit, and the softmax of +∞s is NaN.
        let architecture = TestModels.mlp
        let ones = try architecture.parameters().map {
            ($0.name, Tensor(shape: $0.shape, floats: [Float](repeating: 1, count: $0.elementCount)))
        }
        let weights = WeightSet(precision: .fp32, tensors: Dictionary(uniqueKeysWithValues: ones))
        try ModelFile(name: "mlp", version: 1, architecture: architecture, weights: weights, metadata: [:])
            .write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let client = daemon.client()

        let overflowing = try client.post("/v2/models/mlp/infer", json: """
            {"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[3.4e38,3.4e38,0,0]}]}
            """)
        #expect(overflowing.status == 400, "\(overflowing.text)")
        let message = try #require(try json(overflowing)["error"] as? String)
        #expect(message.contains("at flat index 0 (sample 0)"), "\(message)")
        #expect(message.contains("too large for the model's arithmetic"), "\(message)")
        let fine = try client.post("/v2/models/mlp/infer", json: """
            {"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}
            """)
        #expect(fine.status == 200, "\(fine.text)")
        #expect(try client.get("/v2/health/live").status == 200)
    }
}
