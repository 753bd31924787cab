import Crypto
import Engine
import Foundation
import ModelFile

/// Helpers that build damaged files and name the error a reader raised.
enum Corruption {
    /// The error `decode` raises for `bytes`, or nil if it accepts them.
    static func rejection(of bytes: [UInt8], trustedKeys: [Curve25519.Signing.PublicKey]? = nil,
                          path: String = "corrupt.inferd") -> ModelFileError? {
        do {
            _ = try ModelFile.decode(bytes, path: path, trustedKeys: trustedKeys)
            return nil
        } catch {
            return error
        }
    }

    /// The case name of an error, for comparing against the expected case.
    static func kind(_ error: ModelFileError?) -> String {
        guard let error else { return "accepted" }
        return switch error {
        case .unreadable: "unreadable"
        case .unwritable: "unwritable"
        case .fileTooLarge: "fileTooLarge"
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .unknownFlags: "unknownFlags"
        case let .truncated(_, section, _, _): "truncated.\(section.rawValue)"
        case .trailingBytes: "trailingBytes"
        case .corruptPayload: "corruptPayload"
        case .checksumMismatch: "checksumMismatch"
        case .payloadTooLarge: "payloadTooLarge"
        case .badHeader: "badHeader"
        case .badModelInfo: "badModelInfo"
        case .badArchitecture: "badArchitecture"
        case .badTensor: "badTensor"
        case .missingTensor: "missingTensor"
        case .unexpectedTensor: "unexpectedTensor"
        case .shapeMismatch: "shapeMismatch"
        case .badQuantization: "badQuantization"
        case .signatureMissing: "signatureMissing"
        case .signatureInvalid: "signatureInvalid"
        case .badKeyFile: "badKeyFile"
        }
    }

    /// Re-encodes `model` after editing its decoded header, keeping the data section as written:
    /// how a buggy or hostile writer would produce a well-formed file with wrong content.
    static func withHeader(of model: ModelFile, _ edit: (inout Header) -> Void) throws -> [UInt8] {
        try withHeaderJSON(of: model) { json in
            var header = try JSONDecoder().decode(Header.self, from: Data(json))
            edit(&header)
            json = Array(try JSONEncoder().encode(header))
        }
    }

    /// Like `withHeader`, but editing the raw JSON bytes.
    static func withHeaderJSON(of model: ModelFile, _ edit: (inout [UInt8]) throws -> Void) throws -> [UInt8] {
        let file = try model.encoded()
        let container = try file.withUnsafeBytes { try DecodedContainer(parsing: $0, path: "edit", trustedKeys: nil) }
        var json = Array(container.header)
        try edit(&json)
        return try Container(header: json, data: Array(container.data)).encoded(path: "edit", compressionLevel: 3)
    }

    /// `file` with its preamble replaced.
    static func withPreamble(of file: [UInt8], _ edit: (inout Preamble) -> Void) throws -> [UInt8] {
        var preamble = try file.withUnsafeBytes { try Preamble(parsing: $0, path: "edit") }
        edit(&preamble)
        return preamble.bytes + file.dropFirst(Preamble.byteCount)
    }

    static func preamble(of file: [UInt8]) throws -> Preamble {
        try file.withUnsafeBytes { try Preamble(parsing: $0, path: "parse") }
    }
}


