import Crypto
import Engine
import Foundation
import ModelFile
import Testing

@Suite("Ed25519 signatures over the whole file")
struct SignatureTests {
    let model: ModelFile
    let key = Curve25519.Signing.PrivateKey()

    init() throws {
        model = try SampleModels.fp32(.lstm(hidden: 16))
    }

    @Test("A signed file verifies with its key and reports which key")
    func verifiesWithTrustedKey() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("lstm.inferd")
        try model.write(to: path, signingKey: key)
        let other = Curve25519.Signing.PrivateKey().publicKey
        let inspection = try ModelFile.inspect(path: path, trustedKeys: [other, key.publicKey])
        #expect(inspection.model == model)
        #expect(inspection.signature == .verified(keyFingerprint: SigningKeys.fingerprint(of: key.publicKey)))
        #expect(try ModelFile.inspect(path: path).signature == .signedUnverified)
    }

    @Test("A required signature that is missing, from another key, or over other bytes is refused")
    func refusesWrongOrMissingSignature() throws {
        let unsigned = try model.encoded()
        #expect(Corruption.rejection(of: unsigned, trustedKeys: [key.publicKey]) == .signatureMissing(path: "corrupt.inferd"))
        let signed = try model.encoded(signingKey: key)
        let stranger = Curve25519.Signing.PrivateKey().publicKey
        #expect(Corruption.rejection(of: signed, trustedKeys: [stranger]) == .signatureInvalid(path: "corrupt.inferd"))
        #expect(Corruption.rejection(of: signed, trustedKeys: []) == .signatureInvalid(path: "corrupt.inferd"))
        // A valid signature of a different model pasted onto this one.
        let otherSigned = try SampleModels.fp32(.lstm(hidden: 16), seed: 9).encoded(signingKey: key)
        let pasted = Array(signed.dropLast(64)) + otherSigned.suffix(64)
        #expect(Corruption.rejection(of: pasted, trustedKeys: [key.publicKey]) == .signatureInvalid(path: "corrupt.inferd"))
        // Stripping the signature and its flag leaves an unsigned file, which is refused when one is required.
        let stripped = try Corruption.withPreamble(of: Array(signed.dropLast(64))) { $0.flags = 0 }
        #expect(try ModelFile.decode(stripped) == model)
        #expect(Corruption.rejection(of: stripped, trustedKeys: [key.publicKey]) == .signatureMissing(path: "corrupt.inferd"))
    }

    @Test("Key files round-trip; private keys are written owner-only")
    func keyFiles() throws {
        let directory = try TemporaryDirectory()
        try SigningKeys.writePrivateKey(key, to: directory.file("signing.key"))
        try SigningKeys.writePublicKey(key.publicKey, to: directory.file("signing.pub"))
        #expect(try SigningKeys.readPrivateKey(path: directory.file("signing.key")).rawRepresentation == key.rawRepresentation)
        #expect(try SigningKeys.readPublicKey(path: directory.file("signing.pub")).rawRepresentation
                == key.publicKey.rawRepresentation)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: directory.file("signing.key"))[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: directory.file("signing.pub"), encoding: .utf8)
        #expect(text == "ed25519-public:\(key.publicKey.rawRepresentation.base64EncodedString())\n")
    }

    @Test("Malformed key files are refused with the expected format in the message")
    func badKeyFiles() throws {
        let directory = try TemporaryDirectory()
        try SigningKeys.writePublicKey(key.publicKey, to: directory.file("signing.pub"))
        #expect(throws: ModelFileError.badKeyFile(path: directory.file("signing.pub"),
                                                  reason: "this is a public key; --signing-key takes the private key file (.key)")) {
            try SigningKeys.readPrivateKey(path: directory.file("signing.pub"))
        }
        try SigningKeys.writePrivateKey(key, to: directory.file("signing.key"))
        #expect(throws: ModelFileError.badKeyFile(path: directory.file("signing.key"),
                                                  reason: "this is a private key; --trusted-key takes the public key file (.pub)")) {
            try SigningKeys.readPublicKey(path: directory.file("signing.key"))
        }
        try "ed25519-public:AAAA\n".write(toFile: directory.file("short.pub"), atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.badKeyFile(path: directory.file("short.pub"),
                                                  reason: "expected base64 of 32 key bytes after \"ed25519-public:\"")) {
            try SigningKeys.readPublicKey(path: directory.file("short.pub"))
        }
        #expect(throws: ModelFileError.self) { try SigningKeys.readPublicKey(path: directory.file("absent.pub")) }
    }
}
