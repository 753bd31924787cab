import CZlib

/// The Fashion-MNIST test set as [0, 1] floats, read from the Debian package's IDX gz files.
/// (A stand-in until the Training module's loader is on main.)
struct FashionMNISTTestSet {
    static let directory = "/usr/share/datasets/fashion-mnist"
    var images: [Float]
    var labels: [Int32]
    var count: Int { labels.count }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func load() throws -> FashionMNISTTestSet {
        let imagePath = "\(directory)/t10k-images-idx3-ubyte.gz", labelPath = "\(directory)/t10k-labels-idx1-ubyte.gz"
        let images = try gunzip(imagePath), labels = try gunzip(labelPath)
        guard images.count >= 16, images[0..<4] == [0, 0, 8, 3], labels.count >= 8, labels[0..<4] == [0, 0, 8, 1] else {
            throw Failure(description: "\(imagePath) or \(labelPath) is not an IDX file of the expected kind")
        }
        let count = (labels.count - 8)
        guard images.count == 16 + count * 784 else {
            throw Failure(description: "\(imagePath) holds \(images.count - 16) pixels; \(count) labels need \(count * 784)")
        }
        return FashionMNISTTestSet(images: images[16...].map { Float($0) / 255 }, labels: labels[8...].map { Int32($0) })
    }

    private static func gunzip(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw Failure(description: "cannot open \(path) (install the Debian package dataset-fashion-mnist)")
        }
        defer { gzclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = gzread(file, &chunk, UInt32(chunk.count))
            if count < 0 { throw Failure(description: "\(path) is not a readable gzip file") }
            if count == 0 { break }
            bytes += chunk[0..<Int(count)]
        }
        return bytes
    }
}
