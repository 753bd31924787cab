import Crypto
import Engine
import Foundation
import ModelFile
import Testing

@Suite("Corruption corpus: every damaged file is rejected with the expected error")
struct CorruptionTests {
    let model: ModelFile
    let file: [UInt8]
    let payloadEnd: Int

    init() throws {
        model = try SampleModels.int8(.cnn(channels: [8, 16, 16], hidden: 32))
        file = try model.encoded()
        payloadEnd = Preamble.byteCount + Int(try Corruption.preamble(of: file).payloadLength)
    }

    @Test("A file that does not start with the magic bytes is not an inferd file")
    func wrongMagic() {
        var bytes = file
        bytes[0] ^= 0x20
        #expect(Corruption.rejection(of: bytes) == .badMagic(path: "corrupt.inferd"))
        #expect(Corruption.kind(Corruption.rejection(of: Array("hello, world\n".utf8))) == "badMagic")
        #expect(Corruption.kind(Corruption.rejection(of: [])) == "truncated.preamble")
    }

    @Test("A newer major version is refused with the documented sentence; a newer minor is read")
    func futureVersion() throws {
        let future = try Corruption.withPreamble(of: file) { $0.version = FormatVersion(major: 2, minor: 0) }
        let error = try #require(Corruption.rejection(of: future, path: "m.inferd"))
        #expect(error.description == "m.inferd: unsupported version 2.0; this build reads up to 1.0")
        let zero = try Corruption.withPreamble(of: file) { $0.version = FormatVersion(major: 0, minor: 9) }
        #expect(Corruption.kind(Corruption.rejection(of: zero)) == "unsupportedVersion")
        let newerMinor = try Corruption.withPreamble(of: file) { $0.version.minor = 7 }
        #expect(try ModelFile.decode(newerMinor) == model)
    }

    @Test("Undefined preamble flags are refused")
    func unknownFlags() throws {
        let flagged = try Corruption.withPreamble(of: file) { $0.flags = 0x10 }
        #expect(Corruption.rejection(of: flagged) == .unknownFlags(path: "corrupt.inferd", flags: 0x10))
    }

    @Test("Truncation at every section boundary names the section cut short")
    func truncationAtBoundaries() throws {
        let cuts: [(length: Int, expected: String)] = [
            (0, "truncated.preamble"), (4, "truncated.preamble"), (8, "truncated.preamble"),
            (12, "truncated.preamble"), (16, "truncated.preamble"), (24, "truncated.preamble"),
            (31, "truncated.preamble"), (32, "truncated.payload"), (33, "truncated.payload"),
            (36, "truncated.payload"), (payloadEnd / 2, "truncated.payload"), (payloadEnd - 1, "truncated.payload"),
        ]
        for cut in cuts {
            #expect(Corruption.kind(Corruption.rejection(of: Array(file.prefix(cut.length)))) == cut.expected,
                    "cut at \(cut.length)")
        }
        let key = Curve25519.Signing.PrivateKey()
        let signed = try model.encoded(signingKey: key)
        for length in [payloadEnd, payloadEnd + 1, payloadEnd + 32, signed.count - 1] {
            #expect(Corruption.kind(Corruption.rejection(of: Array(signed.prefix(length)))) == "truncated.signature",
                    "signed file cut at \(length)")
        }
    }

    @Test("Truncation at 200 seeded random offsets is rejected as truncated")
    func truncationAtRandomOffsets() {
        var random = SeededRandom(seed: 0x7472_756E_63)
        for _ in 0..<200 {
            let length = Int.random(in: 0..<file.count, using: &random)
            let kind = Corruption.kind(Corruption.rejection(of: Array(file.prefix(length))))
            #expect(kind == (length < Preamble.byteCount ? "truncated.preamble" : "truncated.payload"), "cut at \(length)")
        }
    }

    @Test("Bytes after the last section are refused")
    func trailingBytes() {
        #expect(Corruption.rejection(of: file + [0]) == .trailingBytes(path: "corrupt.inferd", count: 1))
    }

    @Test("1000 seeded single-bit flips are each rejected with the error of the field they hit")
    func singleBitFlips() throws {
        var random = SeededRandom(seed: 0xB17F_11B5)
        var seen: [String: Int] = [:]
        for _ in 0..<1000 {
            let offset = Int.random(in: 0..<file.count, using: &random)
            let bit = UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            var bytes = file
            bytes[offset] ^= bit
            let error = Corruption.rejection(of: bytes)
            let kind = Corruption.kind(error)
            seen[kind, default: 0] += 1
            let expected: Set<String> = switch offset {
            case 0..<8: ["badMagic"]
            case 8..<10: ["unsupportedVersion"]
            case 10..<12: ["accepted"]                       // minor version: still readable
            case 12: bit == 1 ? ["truncated.signature"] : ["unknownFlags"]
            case 13..<16: ["unknownFlags"]
            case 16..<24: ["badHeader"]
            case 24..<32: ["truncated.payload", "trailingBytes"]
            // A few bits of a zstd frame are ignored by the decoder (e.g. slack in entropy tables);
            // flipping one must still decode to the checksum-verified identical model.
            default: ["corruptPayload", "checksumMismatch", "payloadTooLarge", "accepted"]
            }
            #expect(expected.contains(kind), "flip of bit \(bit) at \(offset): \(error.map(String.init(describing:)) ?? "accepted")")
            if kind == "accepted" { #expect(try ModelFile.decode(bytes) == model) }
            if let error { #expect(error.description.hasPrefix("corrupt.inferd: ") && !error.description.contains("\n")) }
        }
        #expect(seen["checksumMismatch", default: 0] + seen["corruptPayload", default: 0] > 900)
        #expect(seen["accepted", default: 0] < 10, "accepted flips: \(seen)")
    }

    @Test("Single-bit flips anywhere in a signed file fail signature verification or an earlier check")
    func signedBitFlips() throws {
        let key = Curve25519.Signing.PrivateKey()
        let signed = try model.encoded(signingKey: key)
        var random = SeededRandom(seed: 0x5167_4E)
        for _ in 0..<300 {
            let offset = Int.random(in: 0..<signed.count, using: &random)
            let bit = UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            var bytes = signed
            bytes[offset] ^= bit
            let kind = Corruption.kind(Corruption.rejection(of: bytes, trustedKeys: [key.publicKey]))
            let expected: Set<String> = switch offset {
            case 0..<8: ["badMagic"]
            case 8..<10: ["unsupportedVersion"]
            case 12: bit == 1 ? ["trailingBytes"] : ["unknownFlags"]
            case 13..<16: ["unknownFlags"]
            case 24..<32: ["truncated.payload", "truncated.signature", "trailingBytes"]
            default: ["signatureInvalid"]
            }
            #expect(expected.contains(kind), "flip of bit \(bit) at \(offset): \(kind)")
        }
    }
}
