import Engine
import Foundation
import Server
import Testing

/// A connection that repeats its binary-path JSON header is answered from the header parsed the
/// first time; the tensor bytes are always read afresh and any other header is parsed afresh.
@Suite struct InferHeaderCacheTests {
    @Test func aRepeatedHeaderReadsTheNewTensorAndAChangedHeaderIsCheckedAgain() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let file = try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp)
        try file.write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "1"])
        let model = try Model(architecture: file.architecture, weights: file.weights)
        let client = daemon.client()
        func send(_ header: String, _ values: [Float]) throws -> InferenceClient.Response {
            var body = Array(header.utf8)
            values.withUnsafeBytes { body.append(contentsOf: $0) }
            return try client.send(method: .POST, path: "/v2/models/mlp/infer",
                                   headers: [("inference-header-content-length", String(header.utf8.count))], body: body)
        }
        func probabilities(_ response: InferenceClient.Response) throws -> [Float] {
            let reply = try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let output = try #require((reply["outputs"] as? [[String: Any]])?.first)
            return try #require(output["data"] as? [Double]).map { Float($0) }
        }
        let header = #"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"#
        let first: [Float] = [1, 2, 3, 4], second: [Float] = [4, -3, 2, -1]

        #expect(try probabilities(send(header, first)) == model.run(first))
        #expect(try probabilities(send(header, second)) == model.run(second))
        let wrongShape = try send(header.replacingOccurrences(of: "[1,4]", with: "[1,5]")
            .replacingOccurrences(of: ":16", with: ":20"), first + [5])
        #expect(wrongShape.status == 400)
        #expect(wrongShape.text.contains("has shape [1, 5]; expected [-1, 4]"))
        let wrongName = try send(header.replacingOccurrences(of: #""input""#, with: #""inputs""#), first)
        #expect(wrongName.status == 400)
        #expect(wrongName.text.contains("unknown input 'inputs'"))
        let tooShort = try send(header, [1, 2, 3])
        #expect(tooShort.status == 400)
        #expect(tooShort.text.contains("binary tensor data is 12 bytes"))
        #expect(try probabilities(send(header, first)) == model.run(first))
    }
}
