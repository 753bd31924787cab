import Engine

/// Byte layout of the tensor table: sizes, alignment, bounds and overlap, all overflow-safe.
enum TensorTable {
    /// Largest tensor, in elements; anything bigger (e.g. 2^60) is refused before any arithmetic on bytes.
    static let maxElements = 1 << 32

    static func checkLayout(_ entries: [TensorEntry], dataSize: Int, path: String) throws(ModelFileError) {
        var extents: [(start: Int, end: Int, name: String)] = []
        extents.reserveCapacity(entries.count)
        for entry in entries {
            func fail(_ reason: String) -> ModelFileError { .badTensor(path: path, name: entry.name, reason: reason) }
            guard !entry.name.isEmpty else { throw fail("empty name") }
            guard !entry.shape.isEmpty, entry.shape.count <= 8,
                  let count = ArchitectureLimits.elementCount(entry.shape, limit: maxElements)
            else { throw fail("shape \(entry.shape) must have 1 to 8 positive sizes and at most \(maxElements) elements") }
            let bytes = count * entry.dtype.byteWidth
            guard entry.byteCount == bytes else {
                throw fail("byte count \(entry.byteCount), expected \(bytes) for \(entry.dtype.rawValue) \(entry.shape)")
            }
            guard entry.offset >= 0, entry.offset % Container.alignment == 0 else {
                throw fail("offset \(entry.offset) is not a non-negative multiple of \(Container.alignment)")
            }
            guard entry.offset <= dataSize, bytes <= dataSize - entry.offset else {
                throw fail("bytes \(entry.offset)..<\(entry.offset &+ bytes) extend past the \(dataSize)-byte data section")
            }
            extents.append((entry.offset, entry.offset + bytes, entry.name))
        }
        extents.sort { $0.start < $1.start }
        for (previous, next) in zip(extents, extents.dropFirst()) where next.start < previous.end {
            throw .badTensor(path: path, name: next.name, reason: "overlaps tensor \(previous.name)")
        }
    }
}
