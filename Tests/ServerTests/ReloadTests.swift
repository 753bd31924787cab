import Foundation
import Server
import Testing

/// Reloads swap models while clients keep querying, and no request fails.
@Suite struct ReloadTests {
    @Test func goodCorruptAndDeletedFilesWhileClientsQuery() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let cnnPath = daemon.modelPath("cnn.inferd")
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: cnnPath)
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "2"])
        let control = daemon.client()
        let swarm = ClientSwarm(socketPath: daemon.socketPath, clients: 4, model: "cnn", shape: [1, 1, 28, 28])

        // A new version of a file: served after the reload.
        try TestModels.file(name: "cnn", version: 2, architecture: TestModels.cnn, seed: 99).write(to: cnnPath)
        #expect(try control.post("/v2/repository/reload").status == 200)
        #expect(try json(control.get("/v2/models/cnn"))["versions"] as? [String] == ["2"])

        // A corrupt file in its place: version 2 keeps serving, the failure is visible.
        let corrupt = daemon.directory.appendingPathComponent("corrupt.tmp")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cnnPath))
        bytes[bytes.count / 2] ^= 0xFF
        bytes[bytes.count / 3] ^= 0xFF
        try bytes.write(to: corrupt)
        try FileManager.default.removeItem(atPath: cnnPath)
        try FileManager.default.moveItem(atPath: corrupt.path, toPath: cnnPath)
        #expect(try control.post("/v2/repository/reload").status == 200)
        let metadata = try json(control.get("/v2/models/cnn"))
        #expect(metadata["versions"] as? [String] == ["2"])
        #expect((metadata["reason"] as? String)?.contains("reload failed") == true, "\(metadata)")
        #expect(try control.get("/v2/models/cnn/ready").status == 200)
        let index = try #require(try JSONSerialization.jsonObject(with: Data(control.post("/v2/repository/index").body))
            as? [[String: Any]])
        let cnnRow = try #require(index.first { $0["name"] as? String == "cnn" })
        #expect((cnnRow["reason"] as? String)?.contains("still serving version 2") == true)

        // A deleted file: its model is unloaded.
        try FileManager.default.removeItem(atPath: daemon.modelPath("mlp.inferd"))
        #expect(try control.post("/v2/repository/reload").status == 200)
        #expect(try control.get("/v2/models/mlp").status == 404)

        // A brand-new file that cannot be read is listed as unavailable under its file name.
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: daemon.modelPath("junk.inferd")))
        kill(daemon.process.processIdentifier, SIGHUP)
        var junk: [String: Any]?
        for _ in 0..<200 where junk == nil {
            usleep(20_000)
            let rows = try JSONSerialization.jsonObject(with: Data(control.post("/v2/repository/index").body)) as? [[String: Any]]
            junk = rows?.first { $0["name"] as? String == "junk" }
        }
        #expect(junk?["state"] as? String == "UNAVAILABLE")
        #expect(try control.get("/v2/models/junk/ready").status == 503)

        Thread.sleep(forTimeInterval: 0.3)
        let (served, failures) = swarm.stop()
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(served > 0)
    }

    @Test func anUnavailableModelSaysWhyOnce() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: daemon.modelPath("zero.inferd")))
        try daemon.start()
        let client = daemon.client()
        let reason = "\(daemon.modelPath("zero.inferd")): not an inferd weight file (bad magic bytes)"
        let index = try #require(try JSONSerialization.jsonObject(with: Data(client.post("/v2/repository/index").body))
            as? [[String: Any]])
        #expect(index.first { $0["name"] as? String == "zero" }?["reason"] as? String == reason)
        for response in [try client.get("/v2/models/zero"), try client.get("/v2/models/zero/ready"),
                         try client.post("/v2/models/zero/infer", json: "{}")] {
            #expect(response.status == 503)
            #expect(try json(response)["error"] as? String == "model 'zero' is not available: \(reason)")
        }
    }

    @Test func highestVersionOfANameIsServed() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 4, architecture: TestModels.mlp).write(to: daemon.modelPath("a.inferd"))
        try TestModels.file(name: "mlp", version: 7, architecture: TestModels.mlp).write(to: daemon.modelPath("b.inferd"))
        try daemon.start()
        #expect(try json(daemon.client().get("/v2/models/mlp"))["versions"] as? [String] == ["7"])
        #expect(try daemon.client().get("/v2/models/mlp/versions/4").status == 404)
        let index = try #require(try JSONSerialization.jsonObject(with: Data(daemon.client().post("/v2/repository/index").body))
            as? [[String: Any]])
        #expect(index.map { $0["state"] as? String } == ["UNAVAILABLE", "READY"])
        #expect((index.first?["reason"] as? String)?.contains("superseded by version 7") == true)
    }

    /// Each reload decodes and packs every changed model off the serving path; glibc would keep
    /// the freed pages (7.5 MB more resident after one reload of the shipped models, before the
    /// daemon handed them back).
    @Test func reloadsOfTheShippedModelsLeaveTheResidentSizeNearWhereItStarted() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../models").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: shipped.path).filter { $0.hasSuffix(".inferd") }
        try #require(files.count >= 6, "shipped models in \(shipped.path)")
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        for file in files {
            try FileManager.default.copyItem(atPath: shipped.appendingPathComponent(file).path, toPath: daemon.modelPath(file))
        }
        try daemon.start()
        let control = daemon.client()
        let started = try daemon.residentKilobytes()
        for round in 1...4 {
            for file in files {
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(Double(round))],
                                                      ofItemAtPath: daemon.modelPath(file))
            }
            #expect(try control.post("/v2/repository/reload").status == 200)
        }
        let index = try #require(try JSONSerialization.jsonObject(with: Data(control.post("/v2/repository/index").body))
            as? [[String: Any]])
        #expect(index.count == files.count && index.allSatisfy { $0["state"] as? String == "READY" }, "\(index)")
        let after = try daemon.residentKilobytes()
        #expect(after <= started + 3 * 1024, "VmRSS \(started) kB after start, \(after) kB after four reloads")
    }
}
