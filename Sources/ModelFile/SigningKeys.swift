import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Key files for signing weight files. One line of text: a label, a colon, and the base64 of the
/// 32 raw key bytes (RFC 8032 Ed25519 seed or public key), e.g. `ed25519-public:3q2+7w...=`.
/// Private key files are written with mode 0600.
public enum SigningKeys {
    static let privateLabel = "ed25519-private"
    static let publicLabel = "ed25519-public"

    /// The text of a private key file.
    public static func privateKeyFileText(_ key: Curve25519.Signing.PrivateKey) -> String {
        "\(privateLabel):\(key.rawRepresentation.base64EncodedString())\n"
    }

    /// The text of a public key file.
    public static func publicKeyFileText(_ key: Curve25519.Signing.PublicKey) -> String {
        "\(publicLabel):\(key.rawRepresentation.base64EncodedString())\n"
    }

    /// Writes a private key file (mode 0600) atomically.
    public static func writePrivateKey(_ key: Curve25519.Signing.PrivateKey, to path: String) throws(ModelFileError) {
        try FileIO.writeAtomically(Array(privateKeyFileText(key).utf8), to: path, mode: 0o600)
    }

    /// Writes a public key file (mode 0644) atomically.
    public static func writePublicKey(_ key: Curve25519.Signing.PublicKey, to path: String) throws(ModelFileError) {
        try FileIO.writeAtomically(Array(publicKeyFileText(key).utf8), to: path, mode: 0o644)
    }

    /// Reads a private key file.
    public static func readPrivateKey(path: String) throws(ModelFileError) -> Curve25519.Signing.PrivateKey {
        let raw = try rawKey(path: path, label: privateLabel)
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw .badKeyFile(path: path, reason: "not an Ed25519 private key")
        }
    }

    /// Reads a public key file.
    public static func readPublicKey(path: String) throws(ModelFileError) -> Curve25519.Signing.PublicKey {
        let raw = try rawKey(path: path, label: publicLabel)
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch {
            throw .badKeyFile(path: path, reason: "not an Ed25519 public key")
        }
    }

    /// First 8 bytes of SHA-256 of the raw public key, in hex: a short name for a key.
    public static func fingerprint(of key: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    private static func rawKey(path: String, label: String) throws(ModelFileError) -> [UInt8] {
        let bytes = try FileIO.readAll(path: path, limit: 4096)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .badKeyFile(path: path, reason: "expected one line of text \"\(label):BASE64\"")
        }
        let line = text.trimmingWhitespace()
        let prefix = label + ":"
        guard line.hasPrefix(prefix) else {
            // The other half of a pair is the likely mistake: say so in the flags' words.
            if label == publicLabel, line.hasPrefix(privateLabel + ":") {
                throw .badKeyFile(path: path, reason: "this is a private key; --trusted-key takes the public key file (.pub)")
            }
            if label == privateLabel, line.hasPrefix(publicLabel + ":") {
                throw .badKeyFile(path: path, reason: "this is a public key; --signing-key takes the private key file (.key)")
            }
            throw .badKeyFile(path: path, reason: "expected a line starting with \"\(prefix)\"")
        }
        guard let raw = Data(base64Encoded: String(line.dropFirst(prefix.count))), raw.count == 32 else {
            throw .badKeyFile(path: path, reason: "expected base64 of 32 key bytes after \"\(prefix)\"")
        }
        return Array(raw)
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
