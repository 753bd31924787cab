import Foundation
import Testing

/// How `inferctl infer` prints the scores a model answers with.
@Suite struct InferctlScoreTests {
    /// A model without a final softmax answers negative scores; -0.442 printed as "0.442" before.
    @Test func negativeScoreKeepsItsSign() throws {
        // The binary outputs -0.44190 and 0.75491 (little-endian 41 41 E2 BE, 80 41 41 3F) happen to
        // be valid UTF-8 ("AA\u{2F80}AA?"), so the canned String reply carries them byte for byte.
        let header = #"{"model_name":"mlp","outputs":[{"name":"probabilities","datatype":"FP32","shape":[1,2],"parameters":{"binary_data_size":8}}]}"#
        let scores = "AA\u{2F80}AA?"
        #expect(Array(scores.utf8) == [0x41, 0x41, 0xE2, 0xBE, 0x80, 0x41, 0x41, 0x3F])
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            + "Inference-Header-Content-Length: \(header.utf8.count)\r\n"
            + "Content-Length: \(header.utf8.count + scores.utf8.count)\r\n\r\n" + header + scores
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString.prefix(8)).json")
        try Data("[1, 2, 3, 4]".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let server = try FakeInferd(replies: [
            "GET /v2/models/mlp": FakeInferd.metadata(model: "mlp", shape: [4]),
            "POST /v2/models/mlp/infer": answer,
        ])

        let run = try InferctlRun(["--socket", server.socketPath, "infer", "mlp", "--input", input.path, "--top", "2"])

        #expect(run.status == 0)
        #expect(run.stdout == "class 1 0.755, class 0 -0.442\n")
    }
}
