import Foundation
import Server
import Testing

/// Entries of the models directory named like weight files that are not regular files are listed
/// as unavailable with what they are (never opened: a FIFO would block the load), and a reload that
/// cannot list the directory at all is logged and leaves the served models as they were.
@Suite struct OddDirectoryEntryTests {
    @Test func directoriesFIFOsAndDanglingLinksAreListedUnavailableWithTheirKind() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try FileManager.default.createDirectory(atPath: daemon.modelPath("folder.inferd"), withIntermediateDirectories: false)
        #expect(mkfifo(daemon.modelPath("pipe.inferd"), 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: daemon.modelPath("gone.inferd"),
                                                   withDestinationPath: daemon.modelPath("missing"))
        try daemon.start()
        let client = daemon.client()

        let index = try #require(try JSONSerialization.jsonObject(with: Data(client.post("/v2/repository/index").body))
            as? [[String: Any]])
        let reasons = Dictionary(uniqueKeysWithValues: index.map {
            ($0["name"] as? String ?? "", "\($0["state"] ?? "") \($0["reason"] ?? "")")
        })
        #expect(reasons["cnn"]?.hasPrefix("READY") == true, "\(index)")
        #expect(reasons["folder"]?.contains("UNAVAILABLE") == true && reasons["folder"]?.contains("is a directory") == true,
                "\(index)")
        #expect(reasons["pipe"]?.contains("is a FIFO, not a regular file") == true, "\(index)")
        #expect(reasons["gone"]?.contains("No such file or directory") == true, "\(index)")
        #expect(daemon.stderrText().contains("is a FIFO"))

        try FileManager.default.removeItem(at: daemon.modelsDirectory)
        #expect(try client.post("/v2/repository/reload").status == 500)
        #expect(daemon.stderrText().contains("cannot list the models directory"))
        #expect(try client.post("/v2/models/cnn/infer", json: """
            {"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":\(TestModels.input(count: 784))}]}
            """).status == 200)
    }
}
