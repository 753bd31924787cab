import Foundation
import Server
import Testing

/// JSON tensor `data` is read in row-major order, flat or nested as the shape says (the KServe v2
/// protocol's "natural multi-dimensional representation", or nested on its leading dimensions
/// only); nesting that disagrees with the shape is refused, naming the element, instead of having
/// its values shifted between rows.
@Suite struct TensorDataTests {
    static func request(shape: [Int], data: String) -> String {
        #"{"inputs":[{"name":"input","shape":\#(shape),"datatype":"FP32","data":\#(data)}]}"#
    }

    static func list(_ values: some Sequence<Float>) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }

    static func outputs(_ response: InferenceClient.Response) throws -> [Double] {
        let output = try #require((try json(response)["outputs"] as? [[String: Any]])?.first, "\(response.text)")
        return try #require(output["data"] as? [Double])
    }

    @Test func flatFullyNestedAndRowNestedDataGiveTheSameAnswer() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start()
        let client = daemon.client()
        let input = TestModels.input(count: 2 * 784)
        let samples = [input[0..<784], input[784...]]
        func rows(_ sample: ArraySlice<Float>) -> String {
            "[" + stride(from: sample.startIndex, to: sample.endIndex, by: 28).map { Self.list(sample[$0..<$0 + 28]) }
                .joined(separator: ",") + "]"
        }
        let flat = try Self.outputs(client.post("/v2/models/cnn/infer", json: Self.request(shape: [2, 1, 28, 28], data: Self.list(input))))
        let nested = "[" + samples.map { "[\(rows($0))]" }.joined(separator: ",") + "]"
        let bySample = "[" + samples.map { Self.list($0) }.joined(separator: ",") + "]"
        let byChannel = "[" + samples.map { "[\(Self.list($0))]" }.joined(separator: ",") + "]"
        #expect(flat.count == 20)
        for data in [nested, bySample, byChannel] {
            #expect(try Self.outputs(client.post("/v2/models/cnn/infer", json: Self.request(shape: [2, 1, 28, 28], data: data))) == flat)
        }
    }

    @Test func nestingThatDisagreesWithTheShapeIsRefusedNamingTheElement() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let client = daemon.client()
        let pixels = TestModels.input(count: 2 * 784)
        let row = Self.list(pixels[0..<28])
        let sample = "[" + Array(repeating: row, count: 28).joined(separator: ",") + "]"
        let cases: [(model: String, shape: [Int], data: String, error: String)] = [
            // One pixel of sample 1 sent with sample 0: the total is right, the samples are not.
            ("cnn", [2, 1, 28, 28], "[\(Self.list(pixels[0..<783])),\(Self.list(pixels[783...]))]",
             "input 'input' data nesting does not match shape [2, 1, 28, 28]: element [0] has 783 values, expected 784"),
            ("cnn", [2, 1, 28, 28], "[[\(sample)],[[\(Array(repeating: row, count: 27).joined(separator: ",")),\(Self.list(pixels[0..<27]))]]]",
             "input 'input' data nesting does not match shape [2, 1, 28, 28]: element [1][0][27] has 27 values, expected 28"),
            ("cnn", [2, 1, 28, 28], "[" + Array(repeating: row, count: 56).joined(separator: ",") + "]",
             "input 'input' data nesting does not match shape [2, 1, 28, 28]: data has 56 elements, expected 2"),
            ("cnn", [1, 1, 28, 28], "[\(sample)]",
             "input 'input' data nesting does not match shape [1, 1, 28, 28]: element [0] has 28 elements, expected 1"),
            ("mlp", [2, 4], "[[1,2,3,4],[5,6,7]]", "input 'input' data nesting does not match shape [2, 4]: element [1] has 3 values, expected 4"),
            ("mlp", [2, 4], "[[1,2,3,4],[5,6,7,8],[9,10,11,12]]", "data has 3 elements, expected 2"),
            ("mlp", [1, 4], "[[[1],[2],[3],[4]]]", "element [0][0] is an array, deeper than the shape's 2 dimensions"),
            ("mlp", [2, 4], "[[1,2,3,4],5]", "element [1] is a number where element [0] is an array"),
            ("mlp", [2, 4], "[1,2,3,4,[5,6,7,8]]", "element [4] is an array where element [0] is a number"),
            ("mlp", [2, 4], "[[1,2,3,4],[5,\"6\",7,8]]", "malformed JSON request: field 'inputs.[0].data.[1].[1]' is a string; expected a number"),
            ("mlp", [2, 4], "[1,2,3,4,5,6,7]", "input 'input' has 7 elements; shape [2, 4] needs 8"),
            ("mlp", [1, 4], "{}", "malformed JSON request: field 'inputs.[0].data' is an object; expected an array of numbers"),
        ]
        for (model, shape, data, error) in cases {
            let response = try client.post("/v2/models/\(model)/infer", json: Self.request(shape: shape, data: data))
            #expect(response.status == 400, "\(data.prefix(60)): \(response.text)")
            let message = try json(response)["error"] as? String
            #expect(message?.hasSuffix(error) == true, "\(data.prefix(60)): '\(message ?? response.text)' should end with '\(error)'")
        }
        #expect(try client.post("/v2/models/mlp/infer", json: Self.request(shape: [2, 4], data: "[[1,2,3,4],[5,6,7,8]]")).status == 200)
    }
}
