import Crypto
import Engine
import Foundation
import ModelFile
import Testing

@Suite("Round trip: a written file reads back as the same model")
struct RoundTripTests {
    @Test("FP32 models read back with identical tensors, architecture and metadata",
          arguments: SampleModels.architectures.map(\.label))
    func fp32RoundTrip(label: String) throws {
        let architecture = try #require(SampleModels.architectures.first { $0.label == label }).architecture
        let model = try SampleModels.fp32(architecture, name: label)
        let directory = try TemporaryDirectory()
        let path = directory.file("\(label).fp32.inferd")
        try model.write(to: path)
        let read = try ModelFile.read(path: path)
        #expect(read == model)
    }

    @Test("int8 models keep int8 matrices, per-channel scales and activation points",
          arguments: SampleModels.architectures.map(\.label))
    func int8RoundTrip(label: String) throws {
        let architecture = try #require(SampleModels.architectures.first { $0.label == label }).architecture
        let model = try SampleModels.int8(architecture, name: "\(label)-int8")
        let directory = try TemporaryDirectory()
        let path = directory.file("\(label).int8.inferd")
        try model.write(to: path)
        let read = try ModelFile.read(path: path)
        #expect(read == model)
        #expect(read.weights.precision == .int8)
        #expect(read.weights.activations == model.weights.activations)
    }

    @Test("uint8 activation zero points (u8·s8 kernels) are kept")
    func uint8ActivationZeroPoints() throws {
        var model = try SampleModels.int8(.lstm())
        model.weights.activations["fc"] = QuantizationParameters(scale: 0.02, zeroPoint: 255)
        #expect(try ModelFile.decode(model.encoded()) == model)
    }

    @Test("Encoding is deterministic: the same model gives the same bytes")
    func deterministic() throws {
        let model = try SampleModels.int8(.cnn())
        #expect(try model.encoded() == model.encoded())
    }

    @Test("Every tensor starts 64-byte aligned in the decompressed payload")
    func alignment() throws {
        let model = try SampleModels.fp32(.attention())
        let bytes = try model.encoded()
        let inspection = try bytes.withUnsafeBytes {
            try ModelFileInspection(parsing: $0, path: "attn", trustedKeys: nil)
        }
        let dataOffset = Container.dataOffset(headerLength: inspection.headerSize)
        #expect(dataOffset % 64 == 0)
        #expect(inspection.tensors.count == (try architecture(of: model).parameters().count))
        for entry in inspection.tensors { #expect((dataOffset + entry.offset) % 64 == 0, "\(entry.name)") }
    }

    @Test("The inspection reports sizes consistent with the file")
    func inspectionSizes() throws {
        let model = try SampleModels.int8(.lstm())
        let directory = try TemporaryDirectory()
        let path = directory.file("lstm.int8.inferd")
        try model.write(to: path)
        let inspection = try ModelFile.inspect(path: path)
        let fileSize = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(inspection.fileSize == fileSize)
        #expect(inspection.compressedSize == fileSize - Preamble.byteCount)
        #expect(inspection.decompressedSize > inspection.compressedSize)
        #expect(inspection.formatVersion == .current)
        #expect(inspection.signature == .unsigned)
    }

    @Test("Writing replaces an existing file atomically and leaves no temporary files")
    func atomicReplace() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("m.inferd")
        try SampleModels.fp32(.lstm(), seed: 1).write(to: path)
        let second = try SampleModels.fp32(.lstm(), seed: 2)
        try second.write(to: path)
        #expect(try ModelFile.read(path: path) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.inferd"])
    }

    @Test("Writing over a FIFO, a symbolic link or a directory is refused and leaves it as it was")
    func writeRefusesToReplaceNonRegularFiles() throws {
        let directory = try TemporaryDirectory()
        let model = try SampleModels.fp32(.lstm(), seed: 1)
        let fifo = directory.file("fifo.inferd"), link = directory.file("link.inferd"), folder = directory.file("dir.inferd")
        #expect(mkfifo(fifo, 0o600) == 0)
        try model.write(to: directory.file("target.inferd"))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.file("target.inferd"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for (path, kind) in [(fifo, "a FIFO"), (link, "a symbolic link"), (folder, "a directory")] {
            #expect(throws: ModelFileError.unwritable(path: path, reason: "it is \(kind), not a regular file, and is left as it is")) {
                try model.write(to: path)
            }
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == ["dir.inferd", "fifo.inferd", "link.inferd", "target.inferd"])
    }

    @Test("Reading a FIFO or a directory says what it is, without blocking on the FIFO")
    func readNamesNonRegularFiles() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("fifo.inferd")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: ModelFileError.unreadable(path: directory.path, reason: "it is a directory, not a regular file")) {
            try ModelFile.read(path: directory.path)
        }
        #expect(throws: ModelFileError.unreadable(path: fifo, reason: "it is a FIFO, not a regular file")) {
            try ModelFile.read(path: fifo)
        }
    }

    private func architecture(of model: ModelFile) -> Architecture { model.architecture }
}
