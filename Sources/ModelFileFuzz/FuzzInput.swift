import ModelFile

/// How one fuzz input is fed to the reader. The first byte picks the mode:
/// - even: the rest is a whole weight file, decoded as is;
/// - odd: the rest is `u32 header length ‖ decompressed payload` (header, padding, data section),
///   compressed and wrapped in a valid preamble first, so mutations get past the zstd checksum
///   to the JSON header and the tensor validation.
enum FuzzInput {
    enum Outcome {
        case skipped, accepted, rejected(ModelFileError)
    }

    /// Decodes one input; every failure must be a thrown `ModelFileError`, never a crash.
    @discardableResult
    static func run(_ input: UnsafeRawBufferPointer) -> Outcome {
        guard let mode = input.first else { return .skipped }
        let rest = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        if mode & 1 == 0 { return decode(rest) }
        guard rest.count >= 4 else { return .skipped }
        let headerLength = Int(UInt32(littleEndian: rest.loadUnaligned(as: UInt32.self)))
        let payload = rest.dropFirst(4)
        guard headerLength <= payload.count else { return .skipped }
        let header = Array(payload.prefix(headerLength))
        let data = Array(payload.dropFirst(Container.dataOffset(headerLength: headerLength)))
        guard let file = try? Container(header: header, data: data).encoded(path: "fuzz", compressionLevel: 1)
        else { return .skipped }
        return file.withUnsafeBytes { decode($0) }
    }

    private static func decode(_ file: UnsafeRawBufferPointer) -> Outcome {
        do {
            _ = try ModelFileInspection(parsing: file, path: "fuzz", trustedKeys: nil)
            return .accepted
        } catch {
            return .rejected(error)
        }
    }

    /// Seed inputs in both modes from small valid models.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (label, model) in try SeedModels.all() {
            let file = try model.encoded()
            seeds.append(("\(label).file", [0] + file))
            let container = try file.withUnsafeBytes {
                try DecodedContainer(parsing: $0, path: label, trustedKeys: nil)
            }
            var wrapped: [UInt8] = [1]
            withUnsafeBytes(of: UInt32(container.header.count).littleEndian) { wrapped += $0 }
            wrapped += container.payload
            seeds.append(("\(label).payload", wrapped))
        }
        return seeds
    }
}
