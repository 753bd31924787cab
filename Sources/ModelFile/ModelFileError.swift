/// Errors raised while reading, validating or writing a weight file. Every case names the file
/// (or key file) and renders as one readable line saying what was expected and what was found.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// A part of the file that a length field or the format promised is cut short.
    public enum Section: String, Sendable, Equatable {
        case preamble, payload, signature
    }

    /// The file could not be opened, sized or read.
    case unreadable(path: String, reason: String)
    /// The file (or its temporary sibling) could not be created, written, synced or renamed.
    case unwritable(path: String, reason: String)
    /// The file is larger than any weight file this build accepts.
    case fileTooLarge(path: String, size: Int, limit: Int)
    /// The file does not start with the inferd magic bytes.
    case badMagic(path: String)
    /// The file's major format version is not one this build reads.
    case unsupportedVersion(path: String, found: FormatVersion, supported: FormatVersion)
    /// The preamble sets flag bits this version does not define.
    case unknownFlags(path: String, flags: UInt32)
    /// The file ends before a section the preamble announces.
    case truncated(path: String, section: Section, expected: Int, found: Int)
    /// The file continues after the last section the preamble announces.
    case trailingBytes(path: String, count: Int)
    /// The zstd payload is malformed or decompresses to something other than it declares.
    case corruptPayload(path: String, reason: String)
    /// The zstd frame content checksum does not match the decompressed bytes.
    case checksumMismatch(path: String)
    /// The payload declares a decompressed size over the reader's limit.
    case payloadTooLarge(path: String, size: UInt64, limit: Int)
    /// The JSON header is out of range, not valid JSON, or does not match the schema.
    case badHeader(path: String, reason: String)
    /// The served name or version is not valid.
    case badModelInfo(path: String, reason: String)
    /// The architecture cannot be built or has out-of-range hyperparameters.
    case badArchitecture(path: String, reason: String)
    /// A tensor's table entry is inconsistent (offset, size, alignment, overlap, element type).
    case badTensor(path: String, name: String, reason: String)
    /// The architecture needs a tensor the file does not contain.
    case missingTensor(path: String, name: String, shape: [Int])
    /// The file contains a tensor the architecture does not use.
    case unexpectedTensor(path: String, name: String)
    /// A tensor's shape differs from the one the architecture needs.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    /// Quantization parameters are invalid: scales not finite and positive, zero points out of range, wrong counts.
    case badQuantization(path: String, name: String, reason: String)
    /// A signature from a trusted key is required but the file is not signed.
    case signatureMissing(path: String)
    /// The file is signed but the signature does not verify with any trusted key.
    case signatureInvalid(path: String)
    /// A signing or public key file is unreadable or not in the documented format.
    case badKeyFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read: \(reason)"
        case let .unwritable(path, reason): "\(path): cannot write: \(reason)"
        case let .fileTooLarge(path, size, limit): "\(path): file is \(size) bytes, over the limit of \(limit) bytes"
        case let .badMagic(path): "\(path): not an inferd weight file (bad magic bytes)"
        case let .unsupportedVersion(path, found, supported):
            "\(path): unsupported version \(found); this build reads up to \(supported)"
        case let .unknownFlags(path, flags): "\(path): unknown preamble flags 0x\(String(flags, radix: 16))"
        case let .truncated(path, section, expected, found):
            "\(path): truncated \(section.rawValue): expected \(expected) bytes, found \(found)"
        case let .trailingBytes(path, count): "\(path): \(count) unexpected bytes after the last section"
        case let .corruptPayload(path, reason): "\(path): corrupt payload: \(reason)"
        case let .checksumMismatch(path): "\(path): payload checksum mismatch (zstd content checksum)"
        case let .payloadTooLarge(path, size, limit):
            "\(path): payload declares \(size) decompressed bytes, over the limit of \(limit)"
        case let .badHeader(path, reason): "\(path): bad header: \(reason)"
        case let .badModelInfo(path, reason): "\(path): bad model info: \(reason)"
        case let .badArchitecture(path, reason): "\(path): bad architecture: \(reason)"
        case let .badTensor(path, name, reason): "\(path): tensor \(name): \(reason)"
        case let .missingTensor(path, name, shape): "\(path): tensor \(name) of shape \(shape) is missing"
        case let .unexpectedTensor(path, name): "\(path): tensor \(name) is not used by the architecture"
        case let .shapeMismatch(path, name, expected, found):
            "\(path): tensor \(name) has shape \(found), expected \(expected)"
        case let .badQuantization(path, name, reason): "\(path): quantization of \(name): \(reason)"
        case let .signatureMissing(path): "\(path): a signature from a trusted key is required but the file is unsigned"
        case let .signatureInvalid(path): "\(path): signature does not verify with any trusted key"
        case let .badKeyFile(path, reason): "\(path): bad key file: \(reason)"
        }
    }
}
