/// The fixed 32-byte start of every weight file (little-endian):
/// magic (8), major (u16), minor (u16), flags (u32), header length (u64), payload length (u64).
public struct Preamble: Sendable, Equatable {
    /// `I N F E R D 0x1A 0x0A`: a text name, then bytes that stop `type` and catch newline translation.
    public static let magic: [UInt8] = [0x49, 0x4E, 0x46, 0x45, 0x52, 0x44, 0x1A, 0x0A]
    public static let byteCount = 32
    /// Flag bit 0: a 64-byte Ed25519 signature follows the payload.
    public static let signedFlag: UInt32 = 1

    public var version: FormatVersion
    public var flags: UInt32
    /// Length of the JSON header at the start of the decompressed payload.
    public var headerLength: UInt64
    /// Length of the zstd frame that follows the preamble.
    public var payloadLength: UInt64

    public init(version: FormatVersion = .current, flags: UInt32, headerLength: UInt64, payloadLength: UInt64) {
        self.version = version; self.flags = flags
        self.headerLength = headerLength; self.payloadLength = payloadLength
    }

    public var isSigned: Bool { flags & Preamble.signedFlag != 0 }

    /// The 32 bytes of this preamble.
    public var bytes: [UInt8] {
        var out = Preamble.magic
        out.reserveCapacity(Preamble.byteCount)
        appendLittleEndian(version.major, to: &out)
        appendLittleEndian(version.minor, to: &out)
        appendLittleEndian(flags, to: &out)
        appendLittleEndian(headerLength, to: &out)
        appendLittleEndian(payloadLength, to: &out)
        return out
    }

    /// Parses and checks magic, version and flags; lengths are checked by the container.
    public init(parsing file: UnsafeRawBufferPointer, path: String) throws(ModelFileError) {
        let magicCount = min(file.count, Preamble.magic.count)
        guard file.prefix(magicCount).elementsEqual(Preamble.magic.prefix(magicCount)) else {
            throw .badMagic(path: path)
        }
        guard file.count >= Preamble.byteCount else {
            throw .truncated(path: path, section: .preamble, expected: Preamble.byteCount, found: file.count)
        }
        version = FormatVersion(major: file.loadLittleEndian(UInt16.self, at: 8),
                                minor: file.loadLittleEndian(UInt16.self, at: 10))
        guard version.major == FormatVersion.current.major else {
            throw .unsupportedVersion(path: path, found: version, supported: .current)
        }
        flags = file.loadLittleEndian(UInt32.self, at: 12)
        guard flags & ~Preamble.signedFlag == 0 else { throw .unknownFlags(path: path, flags: flags) }
        headerLength = file.loadLittleEndian(UInt64.self, at: 16)
        payloadLength = file.loadLittleEndian(UInt64.self, at: 24)
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

extension UnsafeRawBufferPointer {
    func loadLittleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
