import CZlib

/// Fashion-MNIST as [0, 1] floats: `images` holds `count * 784` pixels (row-major 28×28 per image).
public struct FashionMNIST: Sendable {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let side = 28
    public static let pixelsPerImage = 784

    public var images: [Float]
    public var labels: [Int32]
    public var count: Int { labels.count }

    public init(images: [Float], labels: [Int32]) {
        self.images = images; self.labels = labels
    }

    public enum Split: String, Sendable {
        case train, test = "t10k"
    }

    /// Reads `<split>-images-idx3-ubyte.gz` and `<split>-labels-idx1-ubyte.gz` from `directory`.
    public static func load(_ split: Split, from directory: String = defaultDirectory) throws(TrainingError) -> FashionMNIST {
        let imagePath = "\(directory)/\(split.rawValue)-images-idx3-ubyte.gz"
        let labelPath = "\(directory)/\(split.rawValue)-labels-idx1-ubyte.gz"
        let imageBytes = try readGzip(imagePath)
        let labelBytes = try readGzip(labelPath)
        let imageDims = try idxDimensions(imageBytes, magic: 0x0803, rank: 3, path: imagePath)
        let labelDims = try idxDimensions(labelBytes, magic: 0x0801, rank: 1, path: labelPath)
        guard imageDims[1] == side, imageDims[2] == side else {
            throw .dataset(path: imagePath, problem: "expected 28×28 images, found \(imageDims[1])×\(imageDims[2])")
        }
        guard imageDims[0] == labelDims[0] else {
            throw .dataset(path: labelPath, problem: "\(labelDims[0]) labels for \(imageDims[0]) images")
        }
        let n = imageDims[0]
        guard imageBytes.count == 16 + n * pixelsPerImage else {
            throw .dataset(path: imagePath, problem: "expected \(16 + n * pixelsPerImage) bytes, found \(imageBytes.count)")
        }
        guard labelBytes.count == 8 + n else {
            throw .dataset(path: labelPath, problem: "expected \(8 + n) bytes, found \(labelBytes.count)")
        }
        let images = imageBytes[16...].map { Float($0) / 255 }
        var labels = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let label = labelBytes[8 + i]
            guard label < 10 else { throw .dataset(path: labelPath, problem: "label \(label) at index \(i) is not 0–9") }
            labels[i] = Int32(label)
        }
        return FashionMNIST(images: Array(images), labels: labels)
    }

    /// The first `count` samples.
    public func prefix(_ count: Int) -> FashionMNIST {
        let n = min(count, self.count)
        return FashionMNIST(images: Array(images[0..<(n * Self.pixelsPerImage)]), labels: Array(labels[0..<n]))
    }

    private static func idxDimensions(_ bytes: [UInt8], magic: UInt32, rank: Int, path: String) throws(TrainingError) -> [Int] {
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        guard bytes.count >= 4 + 4 * rank else { throw .dataset(path: path, problem: "file too short for an IDX header") }
        guard word(0) == magic else {
            throw .dataset(path: path, problem: "IDX magic 0x\(String(magic, radix: 16)) expected, found 0x\(String(word(0), radix: 16))")
        }
        return (0..<rank).map { Int(word(4 + 4 * $0)) }
    }

    private static func readGzip(_ path: String) throws(TrainingError) -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw .dataset(path: path, problem: "cannot open the file") }
        defer { gzclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if read < 0 { throw .dataset(path: path, problem: "not a readable gzip file") }
            if read == 0 { break }
            result.append(contentsOf: chunk[0..<Int(read)])
        }
        return result
    }
}
