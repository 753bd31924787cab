import Engine
import Foundation

/// One golden model from `Fixtures/<model>`: ONNX Runtime's weights, inputs, outputs and the
/// per-layer activations of sample 0, as described by its manifest.
struct GoldenFixture {
    struct Manifest: Decodable {
        struct Weight: Decodable { var name: String; var shape: [Int]; var file: String }
        struct Act: Decodable { var key: String; var file: String; var shape: [Int] }
        struct Layer: Decodable { var name: String; var acts: [Act] }
        struct Input: Decodable { var shape: [Int] }
        var weights: [Weight]
        var layers: [Layer]
        var input: Input
    }

    let model: String
    let directory: URL
    let manifest: Manifest

    init(_ model: String) throws {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(model)/manifest", withExtension: "json") else {
            throw FixtureError.missing("Fixtures/\(model)/manifest.json")
        }
        self.model = model
        directory = url.deletingLastPathComponent()
        manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
    }

    /// The engine configuration this golden model is an instance of.
    var architecture: Architecture {
        switch model {
        case "cnn": .cnn()
        case "lstm": .lstm()
        default: .attention()
        }
    }

    var sampleCount: Int { manifest.input.shape[0] }

    func floats(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        guard data.count % 4 == 0 else { throw FixtureError.missing("\(file) is not whole float32 values") }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    func weightSet() throws -> WeightSet {
        var tensors: [String: Tensor] = [:]
        for weight in manifest.weights {
            tensors[weight.name] = Tensor(shape: weight.shape, floats: try floats(weight.file))
        }
        return WeightSet(precision: .fp32, tensors: tensors)
    }

    /// Each golden activation with the engine point that should match it: a layer's last
    /// activation is its output (the point named after the layer); earlier ones are internals,
    /// `<layer>_<part>` ↦ `<layer>.<part>`.
    var activations: [(point: String, act: Manifest.Act)] {
        manifest.layers.flatMap { layer in
            layer.acts.enumerated().map { index, act in
                if index == layer.acts.count - 1 { return (layer.name, act) }
                return ("\(layer.name).\(act.key.dropFirst(layer.name.count + 1))", act)
            }
        }
    }

    enum FixtureError: Error { case missing(String) }
}

extension ActivationPoint {
    /// Sample 0 of an observed batch in logical order (channels-last values transposed to C, H, W).
    func firstSample(_ values: UnsafeBufferPointer<Float>) -> [Float] {
        let sample = Array(values.prefix(elementCount))
        guard channelsLast, shape.count == 3 else { return sample }
        let (c, pixels) = (shape[0], shape[1] * shape[2])
        var standard = [Float](repeating: 0, count: sample.count)
        for p in 0..<pixels { for k in 0..<c { standard[k * pixels + p] = sample[p * c + k] } }
        return standard
    }
}
