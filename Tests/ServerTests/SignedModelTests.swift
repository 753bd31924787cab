import Crypto
import Foundation
import ModelFile
import Testing

/// With `--trusted-key`, inferd serves only weight files signed by a trusted key.
@Suite struct SignedModelTests {
    @Test func onlyFilesSignedByATrustedKeyAreServed() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let trusted = Curve25519.Signing.PrivateKey()
        let publicKeyPath = daemon.directory.appendingPathComponent("trusted.pub").path
        try SigningKeys.writePublicKey(trusted.publicKey, to: publicKeyPath)
        try TestModels.file(name: "signed", version: 1, architecture: TestModels.mlp)
            .write(to: daemon.modelPath("signed.inferd"), signingKey: trusted)
        try TestModels.file(name: "unsigned", version: 1, architecture: TestModels.mlp)
            .write(to: daemon.modelPath("unsigned.inferd"))
        try TestModels.file(name: "stranger", version: 1, architecture: TestModels.mlp)
            .write(to: daemon.modelPath("stranger.inferd"), signingKey: Curve25519.Signing.PrivateKey())
        try daemon.start(["--trusted-key", publicKeyPath])
        let client = daemon.client()

        #expect(try client.get("/v2/models/signed/ready").status == 200)
        #expect(try client.infer(model: "signed", input: [0.1, 0.2, 0.3, 0.4], shape: [1, 4]).count == 3)

        let index = try #require(try JSONSerialization.jsonObject(with: Data(client.post("/v2/repository/index").body))
            as? [[String: Any]])
        let reasons = Dictionary(uniqueKeysWithValues: index.compactMap { row -> (String, String)? in
            guard let name = row["name"] as? String else { return nil }
            return (name, row["reason"] as? String ?? "")
        })
        #expect(reasons["unsigned"]?.contains("signature from a trusted key is required") == true, "\(index)")
        #expect(reasons["stranger"]?.contains("does not verify with any trusted key") == true, "\(index)")
        #expect(try client.get("/v2/models/unsigned/ready").status != 200)
    }

    @Test func anUnreadableKeyFileStopsStartupNamingIt() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let missing = daemon.directory.appendingPathComponent("missing.pub").path
        #expect(throws: DaemonError.self) { try daemon.start(["--trusted-key", missing]) }
        #expect(daemon.stderrText().contains("missing.pub"), "\(daemon.stderrText())")
    }
}
