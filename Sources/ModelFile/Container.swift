#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto

/// The outer layer of a weight file: preamble, one zstd frame holding `header ‖ pad ‖ data`, and an
/// optional Ed25519 signature over every byte before it. Knows nothing about models.
public struct Container: Sendable, Equatable {
    /// Alignment of the data section and of every tensor in it, in decompressed bytes.
    public static let alignment = 64
    /// Largest file the reader opens.
    public static let maxFileSize = 256 << 20
    /// Largest decompressed payload the reader allocates.
    public static let maxDecompressedSize = 256 << 20
    public static let signatureByteCount = 64
    /// High but not extreme: level 19 gets nearly all of level 22's gain on weights in a fraction of the time.
    public static let defaultCompressionLevel: Int32 = 19

    public var version: FormatVersion
    /// The UTF-8 JSON header.
    public var header: [UInt8]
    /// The data section: tensor bytes at the offsets the header's tensor table gives.
    public var data: [UInt8]

    public init(version: FormatVersion = .current, header: [UInt8], data: [UInt8]) {
        self.version = version; self.header = header; self.data = data
    }

    /// Offset of the data section in the decompressed payload: the header length rounded up to 64.
    public static func dataOffset(headerLength: Int) -> Int {
        (headerLength + alignment - 1) / alignment * alignment
    }

    /// The file bytes, signed with `signingKey` when given. `compressionLevel` trades writing time
    /// for size (zstd levels 1...22); readers do not depend on it.
    public func encoded(signingKey: Curve25519.Signing.PrivateKey? = nil, path: String,
                        compressionLevel: Int32 = Container.defaultCompressionLevel) throws(ModelFileError) -> [UInt8] {
        let dataOffset = Container.dataOffset(headerLength: header.count)
        var payload = header
        payload.reserveCapacity(dataOffset + data.count)
        payload.append(contentsOf: repeatElement(0, count: dataOffset - header.count))
        payload.append(contentsOf: data)
        let frame: [UInt8]
        switch payload.withUnsafeBytes({ Zstd.compress($0, level: compressionLevel) }) {
        case let .success(bytes): frame = bytes
        case let .failure(failure): throw .unwritable(path: path, reason: "zstd: \(failure.reason)")
        }
        let preamble = Preamble(version: version, flags: signingKey == nil ? 0 : Preamble.signedFlag,
                                headerLength: UInt64(header.count), payloadLength: UInt64(frame.count))
        var file = preamble.bytes + frame
        if let signingKey {
            do {
                file += try signingKey.signature(for: file)
            } catch {
                throw .unwritable(path: path, reason: "signing failed: \(error)")
            }
        }
        return file
    }
}

/// A parsed file: the preamble, the decompressed payload (64-byte aligned) and the signature status.
public final class DecodedContainer: @unchecked Sendable {
    public let preamble: Preamble
    public let signature: SignatureStatus
    public let fileSize: Int
    /// The decompressed payload; `payload.baseAddress` is 64-byte aligned. Owned and freed by this object.
    public let payload: UnsafeRawBufferPointer

    /// The JSON header bytes.
    public var header: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: payload[0..<Int(preamble.headerLength)]) }
    /// The data section; empty when the payload ends before the header's padding does.
    public var data: UnsafeRawBufferPointer {
        let start = min(Container.dataOffset(headerLength: Int(preamble.headerLength)), payload.count)
        return UnsafeRawBufferPointer(rebasing: payload[start...])
    }

    /// Checks preamble, section lengths and signature (before touching the payload), then decompresses.
    public init(parsing file: UnsafeRawBufferPointer, path: String,
                trustedKeys: [Curve25519.Signing.PublicKey]?) throws(ModelFileError) {
        let preamble = try Preamble(parsing: file, path: path)
        let afterPreamble = file.count - Preamble.byteCount
        guard preamble.payloadLength <= UInt64(afterPreamble) else {
            throw .truncated(path: path, section: .payload, expected: Int(clamping: preamble.payloadLength),
                             found: afterPreamble)
        }
        let payloadEnd = Preamble.byteCount + Int(preamble.payloadLength)
        let signatureLength = preamble.isSigned ? Container.signatureByteCount : 0
        let afterPayload = file.count - payloadEnd
        guard afterPayload >= signatureLength else {
            throw .truncated(path: path, section: .signature, expected: signatureLength, found: afterPayload)
        }
        guard afterPayload == signatureLength else {
            throw .trailingBytes(path: path, count: afterPayload - signatureLength)
        }
        let signed = UnsafeRawBufferPointer(rebasing: file[..<payloadEnd])
        let signatureBytes = UnsafeRawBufferPointer(rebasing: file[payloadEnd...])
        let status = try SignatureStatus(signed: signed, signature: preamble.isSigned ? signatureBytes : nil,
                                         trustedKeys: trustedKeys, path: path)

        let frame = UnsafeRawBufferPointer(rebasing: file[Preamble.byteCount..<payloadEnd])
        let size = try Zstd.checkedContentSize(of: frame, limit: Container.maxDecompressedSize, path: path)
        guard preamble.headerLength >= 2, preamble.headerLength <= UInt64(size) else {
            throw .badHeader(path: path, reason: "header length \(preamble.headerLength) outside the \(size)-byte payload")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: Container.alignment)
        do {
            try Zstd.decompress(frame, into: buffer, path: path)
        } catch {
            buffer.deallocate()
            throw error
        }
        self.preamble = preamble
        self.signature = status
        self.fileSize = file.count
        self.payload = UnsafeRawBufferPointer(buffer)
    }

    deinit { payload.deallocate() }
}
