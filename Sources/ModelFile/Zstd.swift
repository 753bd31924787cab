import CZstd

/// The payload codec: one zstd frame with content size and content checksum (RFC 8878).
enum Zstd {
    private static let frameMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
    /// zstd reports errors as `(size_t)-code`; 22 is `ZSTD_error_checksum_wrong`, stable since v1.3.
    private static let checksumWrongCode = 22

    static func compress(_ input: UnsafeRawBufferPointer, level: Int32) -> Result<[UInt8], ModelFileError.CodecFailure> {
        guard let context = ZSTD_createCCtx() else { return .failure(.init(reason: "cannot create a zstd context")) }
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        let capacity = ZSTD_compressBound(input.count)
        var failure: String?
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let written = ZSTD_compress2(context, buffer.baseAddress, capacity, input.baseAddress, input.count)
            if ZSTD_isError(written) != 0 {
                failure = String(cString: ZSTD_getErrorName(written)); count = 0
            } else {
                count = written
            }
        }
        if let failure { return .failure(.init(reason: failure)) }
        return .success(output)
    }

    /// The declared decompressed size, after checking that `frame` is exactly one zstd frame with
    /// a content size and a content checksum and that the size is within `limit`.
    static func checkedContentSize(of frame: UnsafeRawBufferPointer, limit: Int, path: String) throws(ModelFileError) -> Int {
        guard frame.count >= 5, frame.prefix(4).elementsEqual(frameMagic) else {
            throw .corruptPayload(path: path, reason: "not a zstd frame")
        }
        let descriptor = frame[4]
        guard descriptor & 0x04 != 0 else {
            throw .corruptPayload(path: path, reason: "zstd frame has no content checksum")
        }
        // Bit 4 is unused and bit 3 reserved; both must be 0 so no header bit can flip unnoticed.
        guard descriptor & 0x18 == 0 else {
            throw .corruptPayload(path: path, reason: "zstd frame header sets unused bits")
        }
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if size == ZSTD_CONTENTSIZE_ERROR {
            throw .corruptPayload(path: path, reason: "unreadable zstd frame header")
        }
        if size == ZSTD_CONTENTSIZE_UNKNOWN {
            throw .corruptPayload(path: path, reason: "zstd frame does not declare its content size")
        }
        guard size <= UInt64(limit) else { throw .payloadTooLarge(path: path, size: size, limit: limit) }
        let frameLength = ZSTD_findFrameCompressedSize(frame.baseAddress, frame.count)
        if ZSTD_isError(frameLength) != 0 {
            throw .corruptPayload(path: path, reason: String(cString: ZSTD_getErrorName(frameLength)))
        }
        guard frameLength == frame.count else {
            throw .corruptPayload(path: path, reason: "zstd frame is \(frameLength) bytes, payload is \(frame.count)")
        }
        return Int(size)
    }

    /// Decompresses `frame` into exactly `destination.count` bytes, verifying the content checksum.
    static func decompress(_ frame: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                           path: String) throws(ModelFileError) {
        let written = ZSTD_decompress(destination.baseAddress, destination.count, frame.baseAddress, frame.count)
        if ZSTD_isError(written) != 0 {
            if 0 &- written == checksumWrongCode { throw .checksumMismatch(path: path) }
            throw .corruptPayload(path: path, reason: String(cString: ZSTD_getErrorName(written)))
        }
        guard written == destination.count else {
            throw .corruptPayload(path: path, reason: "decompressed \(written) bytes, frame declares \(destination.count)")
        }
    }
}

extension ModelFileError {
    struct CodecFailure: Error { var reason: String }
}
