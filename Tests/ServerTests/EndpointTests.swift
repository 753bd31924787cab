import Engine
import Foundation
import Server
import Testing

/// Every endpoint, answered by a real inferd subprocess over its Unix socket.
@Suite struct EndpointTests {
    @Test func healthMetadataInferIndexAndMetrics() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let cnnFile = try TestModels.file(name: "cnn", version: 3, architecture: TestModels.cnn)
        try cnnFile.write(to: daemon.modelPath("cnn.fp32.inferd"))
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "2"])
        let client = daemon.client()

        #expect(try client.get("/v2/health/live").status == 200)
        #expect(try client.get("/v2/health/ready").status == 200)
        let server = try json(client.get("/v2"))
        #expect(server["name"] as? String == "inferd")

        let metadata = try json(client.get("/v2/models/cnn"))
        #expect(metadata["name"] as? String == "cnn")
        #expect(metadata["versions"] as? [String] == ["3"])
        let inputs = try #require(metadata["inputs"] as? [[String: Any]])
        #expect(inputs.first?["name"] as? String == "input")
        #expect(inputs.first?["datatype"] as? String == "FP32")
        #expect(inputs.first?["shape"] as? [Int] == [-1, 1, 28, 28])
        let outputs = try #require(metadata["outputs"] as? [[String: Any]])
        #expect(outputs.first?["shape"] as? [Int] == [-1, 10])
        #expect(try client.get("/v2/models/cnn/versions/3").status == 200)
        #expect(try client.get("/v2/models/cnn/ready").status == 200)
        #expect(try client.get("/v2/models/cnn/versions/3/ready").status == 200)

        // The daemon's answer equals the engine run in-process on the same weights.
        let model = try Model(architecture: cnnFile.architecture, weights: cnnFile.weights, maxBatch: 2)
        let input = TestModels.input(count: 2 * 784)
        let expected = try model.run(input, batch: 2)
        let binary = try client.infer(model: "cnn", input: input, shape: [2, 1, 28, 28])
        #expect(binary == expected)

        let body = """
            {"id":"req-1","inputs":[{"name":"input","shape":[2,1,28,28],"datatype":"FP32","data":\
            [\(input.map { "\($0)" }.joined(separator: ","))]}]}
            """
        let reply = try json(client.post("/v2/models/cnn/infer", json: body))
        #expect(reply["model_name"] as? String == "cnn")
        #expect(reply["model_version"] as? String == "3")
        #expect(reply["id"] as? String == "req-1")
        let output = try #require((reply["outputs"] as? [[String: Any]])?.first)
        #expect(output["name"] as? String == "probabilities")
        #expect(output["shape"] as? [Int] == [2, 10])
        let values = try #require(output["data"] as? [Double]).map { Float($0) }
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-6 })

        // Nested JSON data (as Triton clients send it) is accepted too.
        let nested = """
            {"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[[0.5,0.25,-1,2]]}]}
            """
        #expect(try client.post("/v2/models/mlp/infer", json: nested).status == 200)

        // Whitespace, exponents and string escapes (surrogate pairs too) as any JSON writer may produce them.
        let spelled = #"""
            { "id" : "r\"1\u00e9\ud83d\ude00\n" , "inputs" : [ { "name" : "input", "shape" : [ 1E0, 4 ],
              "datatype" : "FP32", "data" : [ 5e-1, 2.5E-1, -1.0, 2 ] } ] }
            """#
        let spelledReply = try json(client.post("/v2/models/mlp/infer", json: spelled))
        #expect(spelledReply["id"] as? String == "r\"1é😀\n")

        let index = try #require(try JSONSerialization.jsonObject(with: Data(client.post("/v2/repository/index").body))
            as? [[String: Any]])
        #expect(index.map { $0["name"] as? String } == ["cnn", "mlp"])
        #expect(index.allSatisfy { $0["state"] as? String == "READY" })
        #expect(index.first?["version"] as? String == "3")

        let metrics = try client.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("inferd_requests_total{model=\"cnn\"} 2"))
        #expect(metrics.text.contains("inferd_request_duration_seconds_bucket{model=\"cnn\""))
        #expect(metrics.text.contains("inferd_queue_depth"))

        let reload = try client.post("/v2/repository/reload")
        #expect(reload.status == 200)
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    @Test func socketIsGroupReadableAndWritableOnly() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
    }

    @Test func configFileSetsKnobsAndFlagsOverrideIt() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        let config = daemon.directory.appendingPathComponent("inferd.toml")
        try "# test\nmax-body = 2048\nworkers = 1 # one\nqueue_depth = 4\n".write(to: config, atomically: true, encoding: .utf8)
        try daemon.start(["--config", config.path])
        let client = daemon.client()
        let big = try client.post("/v2/models/mlp/infer", json: String(repeating: " ", count: 4096))
        #expect(big.status == 413)
        daemon.stop()

        let overridden = try DaemonProcess()
        defer { overridden.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: overridden.modelPath("mlp.inferd"))
        try overridden.start(["--config", config.path, "--max-body", "65536"])
        let spaces = try overridden.client().post("/v2/models/mlp/infer", json: String(repeating: " ", count: 4096))
        #expect(spaces.status == 400)
    }
}

func json(_ response: InferenceClient.Response) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                 "not a JSON object: \(response.status) \(response.text)")
}
