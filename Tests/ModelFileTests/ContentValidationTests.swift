import CZstd
import Crypto
import Engine
import Foundation
import ModelFile
import Testing

@Suite("Well-formed files with wrong content are rejected before any weight is used")
struct ContentValidationTests {
    let model: ModelFile

    init() throws {
        model = try SampleModels.int8(.cnn(channels: [4, 8, 8], hidden: 16))
    }

    private func kind(_ bytes: [UInt8]) -> String { Corruption.kind(Corruption.rejection(of: bytes)) }

    @Test("A tensor whose shape does not match the architecture is named with both shapes")
    func shapeMismatch() throws {
        let bytes = try Corruption.withHeader(of: model) { header in
            let index = header.tensors.firstIndex { $0.name == "conv1.weight" }!
            header.tensors[index].shape = [4, 1, 3, 2]
            header.tensors[index].byteCount = 24
            header.tensors[index].scales = [Float](repeating: 0.5, count: 4)
        }
        #expect(Corruption.rejection(of: bytes) == .shapeMismatch(
            path: "corrupt.inferd", name: "conv1.weight", expected: [4, 1, 3, 3], found: [4, 1, 3, 2]))
    }

    @Test("Missing and unexpected tensors are named")
    func missingOrExtraTensor() throws {
        let missing = try Corruption.withHeader(of: model) { $0.tensors.removeAll { $0.name == "fc2.bias" } }
        #expect(Corruption.rejection(of: missing) == .missingTensor(path: "corrupt.inferd", name: "fc2.bias", shape: [10]))
        let extra = try Corruption.withHeader(of: model) { header in
            var copy = header.tensors.first { $0.name == "fc2.bias" }!
            copy.name = "fc3.bias"
            header.tensors.append(copy)
        }
        #expect(kind(extra) == "badTensor")  // it overlaps fc2.bias: layout is checked first
    }

    @Test("Element types must match the precision: int8 matrices, float32 for the rest")
    func elementTypes() throws {
        let floatMatrix = try Corruption.withHeader(of: model) { header in
            let index = header.tensors.firstIndex { $0.name == "fc2.weight" }!
            header.tensors[index].dtype = .float32
            header.tensors[index].byteCount *= 4
        }
        #expect(kind(floatMatrix) == "badTensor")
        let relabeled = try Corruption.withHeader(of: model) { $0.precision = .fp32 }
        #expect(kind(relabeled) == "badTensor")
    }

    @Test("Absurd sizes are refused without overflow or allocation",
          arguments: [[1 << 20, 1 << 20, 1 << 20], [1 << 30, 1 << 30], [Int.max, 2], [0, 4], [-4, 4]])
    func absurdShapes(shape: [Int]) throws {
        let bytes = try Corruption.withHeader(of: model) { header in
            header.tensors[0].shape = shape
            header.tensors[0].byteCount = 1 << 60
        }
        #expect(kind(bytes) == "badTensor")
    }

    @Test("Offsets and byte counts outside the data section, misaligned or overlapping are refused",
          arguments: [(Int.max - 63, 288), (1 << 60, 288), (-64, 288), (1, 288), (0, 1 << 60), (0, Int.max)])
    func absurdOffsets(offset: Int, byteCount: Int) throws {
        let bytes = try Corruption.withHeader(of: model) { header in
            header.tensors[0].offset = offset
            header.tensors[0].byteCount = byteCount
        }
        #expect(kind(bytes) == "badTensor")
    }

    @Test("Absurd lengths in the preamble are refused")
    func absurdPreambleLengths() throws {
        let file = try model.encoded()
        let payload = try Corruption.withPreamble(of: file) { $0.payloadLength = 1 << 60 }
        #expect(kind(payload) == "truncated.payload")
        let maxPayload = try Corruption.withPreamble(of: file) { $0.payloadLength = .max }
        #expect(kind(maxPayload) == "truncated.payload")
        let header = try Corruption.withPreamble(of: file) { $0.headerLength = 1 << 60 }
        #expect(kind(header) == "badHeader")
        let empty = try Corruption.withPreamble(of: file) { $0.headerLength = 0 }
        #expect(kind(empty) == "badHeader")
    }

    @Test("A zstd frame declaring 2^60 decompressed bytes is refused before allocating")
    func hugeDeclaredContent() {
        var frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE4]       // magic; 8-byte size, single segment, checksum
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { frame += $0 }
        frame += [0x01, 0x00, 0x00, 0, 0, 0, 0]                    // empty last raw block; checksum
        let bytes = Preamble(flags: 0, headerLength: 2, payloadLength: UInt64(frame.count)).bytes + frame
        #expect(Corruption.rejection(of: bytes) == .payloadTooLarge(path: "corrupt.inferd", size: 1 << 60,
                                                                   limit: Container.maxDecompressedSize))
    }

    @Test("A frame without content checksum is refused")
    func frameWithoutChecksum() {
        var frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x02]  // single segment, 1-byte size 2, no checksum
        frame += [0x11, 0x00, 0x00] + Array("{}".utf8)             // last raw block of 2 bytes
        let bytes = Preamble(flags: 0, headerLength: 2, payloadLength: UInt64(frame.count)).bytes + frame
        #expect(Corruption.kind(Corruption.rejection(of: bytes)) == "corruptPayload")
    }

    @Test("Architectures with out-of-range or overflowing hyperparameters are refused",
          arguments: [
            Layer.dense(Dense(name: "fc2", outFeatures: 1 << 40)),
            Layer.conv2d(Conv2D(name: "conv1", outChannels: 4, kernel: [3, 3], padding: [Int.max, 0])),
            Layer.conv2d(Conv2D(name: "conv1", outChannels: 4, kernel: [3], padding: [0, 0])),
            Layer.lstm(LSTM(name: "conv1", hidden: 8)),
            Layer.encoderBlock(EncoderBlock(name: "b", heads: 0, mlpHidden: 4)),
            Layer.layerNorm(LayerNorm(name: "n", eps: -1)),
          ])
    func badArchitecture(layer: Layer) throws {
        let bytes = try Corruption.withHeader(of: model) { header in
            let index = header.architecture.layers.firstIndex { $0.name == layer.name } ?? 0
            header.architecture.layers[index] = layer
        }
        #expect(kind(bytes) == "badArchitecture")
        let hugeInput = try Corruption.withHeader(of: model) { $0.architecture.inputShape = [1 << 20, 1 << 20, 1 << 20] }
        #expect(kind(hugeInput) == "badArchitecture")
    }

    @Test("An encoder block over more than 4096 tokens is refused (its T×T scores would be unbounded)")
    func tooManyTokens() throws {
        let vit = try SampleModels.fp32(.attention())
        let wide = try Corruption.withHeader(of: vit) { $0.architecture.inputShape = [1, 28 * 24, 28 * 24] }
        #expect(Corruption.rejection(of: wide) == .badArchitecture(
            path: "corrupt.inferd", reason: "layer block0: 28224 tokens, at most 4096 allowed"))
    }

    @Test("Bad quantization parameters are refused", arguments: [
        "zero scale", "negative scale", "wrong scale count", "zero point out of range", "zero point count",
        "scales on a float tensor", "activation scale", "activation zero point below", "activation zero point above",
    ])
    func badQuantization(label: String) throws {
        let bytes = try Corruption.withHeader(of: model) { h in
            switch label {
            case "zero scale": h.tensors[0].scales[0] = 0
            case "negative scale": h.tensors[0].scales[1] = -0.5
            case "wrong scale count": h.tensors[0].scales.removeLast()
            case "zero point out of range": h.tensors[0].zeroPoints = [Int32](repeating: 300, count: 4)
            case "zero point count": h.tensors[0].zeroPoints = [0, 0]
            case "scales on a float tensor": h.tensors[1].scales = [1]
            case "activation scale": h.activations["fc"] = .init(scale: 0, zeroPoint: 0)
            case "activation zero point below": h.activations["fc"] = .init(scale: 1, zeroPoint: -129)
            default: h.activations["fc"] = .init(scale: 1, zeroPoint: 256)
            }
        }
        #expect(kind(bytes) == "badQuantization", "\(label)")
    }

    @Test("Invalid served names and versions are refused")
    func badModelInfo() throws {
        #expect(kind(try Corruption.withHeader(of: model) { $0.name = "../etc/passwd" }) == "badModelInfo")
        #expect(kind(try Corruption.withHeader(of: model) { $0.name = String(repeating: "a", count: 65) }) == "badModelInfo")
        #expect(kind(try Corruption.withHeader(of: model) { $0.version = 0 }) == "badModelInfo")
    }

    @Test("A header that is not the documented JSON is refused")
    func badHeaderJSON() throws {
        let garbage = try Corruption.withHeaderJSON(of: model) { $0 = Array("{\"name\": 3}".utf8) }
        #expect(kind(garbage) == "badHeader")
        let deep = try Corruption.withHeaderJSON(of: model) { $0 = Array(String(repeating: "[", count: 100_000).utf8) }
        #expect(kind(deep) == "badHeader")
    }

    @Test("The writer refuses models the reader would refuse, naming the problem")
    func writerValidates() throws {
        var nanScale = model
        nanScale.weights.tensors["conv1.weight"]!.scales[0] = .nan
        #expect(throws: ModelFileError.self) { try nanScale.encoded(path: "out.inferd") }
        var wrongCount = model
        wrongCount.weights.tensors["fc2.bias"] = Tensor(shape: [10], floats: [1, 2, 3])
        #expect(throws: ModelFileError.badTensor(path: "out.inferd", name: "fc2.bias",
                                                 reason: "3 elements do not fill shape [10]")) {
            try wrongCount.encoded(path: "out.inferd")
        }
        var badName = model
        badName.name = "has space"
        #expect(throws: ModelFileError.self) { try badName.encoded() }
        var fp32WithActivations = try SampleModels.fp32(.lstm())
        fp32WithActivations.weights.activations = ["x": .init(scale: 1, zeroPoint: 0)]
        #expect(throws: ModelFileError.self) { try fp32WithActivations.encoded() }
    }
}

@Suite("Hand-built frames a writer would never produce")
struct HandBuiltFrameTests {
    /// A file whose payload is exactly `payload`, compressed by libzstd with the content checksum.
    static func file(headerLength: Int, payload: [UInt8]) -> [UInt8] {
        let context = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        var frame = [UInt8](repeating: 0, count: ZSTD_compressBound(payload.count))
        let size = ZSTD_compress2(context, &frame, frame.count, payload, payload.count)
        frame.removeSubrange(size...)
        return Preamble(flags: 0, headerLength: UInt64(headerLength), payloadLength: UInt64(frame.count)).bytes + frame
    }

    @Test("A payload that ends inside the header's padding has an empty data section, not a crash")
    func payloadEndsInPadding() throws {
        let header = Header(name: "probe", version: 1, precision: .fp32,
                            architecture: Architecture(inputShape: [10], layers: [.softmax(name: "softmax")]),
                            metadata: [:], activations: [:], tensors: [])
        let json = Array(try JSONEncoder().encode(header))
        #expect(json.count % 64 != 0)
        let model = try ModelFile.decode(Self.file(headerLength: json.count, payload: json))
        #expect(model.weights.tensors.isEmpty)
        let withTensor = Header(name: "probe", version: 1, precision: .fp32,
                                architecture: Architecture(inputShape: [10], layers: [.dense(Dense(name: "fc", outFeatures: 2))]),
                                metadata: [:], activations: [:],
                                tensors: [TensorEntry(name: "fc.bias", dtype: .float32, shape: [2], offset: 0, byteCount: 8)])
        let json2 = Array(try JSONEncoder().encode(withTensor))
        #expect(Corruption.kind(Corruption.rejection(of: Self.file(headerLength: json2.count, payload: json2))) == "badTensor")
    }
}
