#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto

/// Whether a file is signed and whether its signature was checked against trusted keys.
public enum SignatureStatus: Sendable, Equatable, CustomStringConvertible {
    case unsigned
    /// Signed, but no trusted keys were given, so the signature was not checked.
    case signedUnverified
    /// Signed and verified with the trusted key of this fingerprint.
    case verified(keyFingerprint: String)

    public var description: String {
        switch self {
        case .unsigned: "unsigned"
        case .signedUnverified: "signed (not verified: no trusted key given)"
        case let .verified(fingerprint): "signed, verified with key \(fingerprint)"
        }
    }

    /// Verifies `signature` over `signed` when `trustedKeys` is given; a nil `signature` means unsigned.
    init(signed: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer?,
         trustedKeys: [Curve25519.Signing.PublicKey]?, path: String) throws(ModelFileError) {
        guard let signature else {
            if trustedKeys != nil { throw .signatureMissing(path: path) }
            self = .unsigned
            return
        }
        guard let trustedKeys else {
            self = .signedUnverified
            return
        }
        for key in trustedKeys where key.isValidSignature(signature, for: signed) {
            self = .verified(keyFingerprint: SigningKeys.fingerprint(of: key))
            return
        }
        throw .signatureInvalid(path: path)
    }
}
