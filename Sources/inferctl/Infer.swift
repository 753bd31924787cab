import ArgumentParser
import FoundationEssentials
import Server
import Training

#if canImport(Glibc)
import Glibc
#endif

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs inputs through a model and prints the top classes.",
        discussion: """
            --input takes a .json file holding a (nested) array of numbers, or any other file as raw \
            little-endian float32; either may hold several samples (a batch). --fashion-index I sends \
            image I of the Fashion-MNIST test set (for models with a 28×28 input) and prints its true label.
            """)
    @ParentCommand var root: InferctlCommand
    var connection: ConnectionOptions { root.connection }
    @Argument(help: "Served model name.") var model: String
    @Option(help: "JSON or raw float32 input file.") var input: String?
    @Option(help: "Fashion-MNIST test image index (0..<10000).") var fashionIndex: Int?
    @Option(help: "With --fashion-index: send this many consecutive test images as one batch.") var count: Int = 1
    @Option(help: "Classes to print per sample.") var top: Int = 3

    func validate() throws {
        guard (input == nil) != (fashionIndex == nil) else { throw ValidationError("give exactly one of --input and --fashion-index") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard (1...4096).contains(count) else { throw ValidationError("--count must be 1...4096") }
    }

    func run() throws {
        let client = connection.client()
        let metadata = try failing { try client.get("/v2/models/\(model)") }
        let shape = try Self.inputShape(metadata)
        let perSample = shape.reduce(1, *)
        var values: [Float]
        var labels: [Int] = []
        if let fashionIndex {
            guard perSample == 784 else { throw ValidationError("model \(model) takes \(shape), not a 28×28 image") }
            let test = try failing { try FashionMNIST.load(.test) }
            guard fashionIndex >= 0, fashionIndex < test.count, count <= test.count - fashionIndex else {
                throw ValidationError("--fashion-index + --count must stay within 0..<\(test.count)")
            }
            values = Array(test.images[fashionIndex * 784..<(fashionIndex + count) * 784])
            labels = test.labels[fashionIndex..<fashionIndex + count].map(Int.init)
        } else {
            values = try failing { try InputFile.read(input!) }
        }
        guard !values.isEmpty, values.count % perSample == 0 else {
            printError("inferctl: input holds \(values.count) floats; model \(model) needs a multiple of \(perSample) (shape \(shape))")
            throw ExitCode(1)
        }
        let batch = values.count / perSample
        let output = try failing { try client.infer(model: model, input: values, shape: [batch] + shape) }
        let classes = output.count / batch
        var correct = 0
        for sample in 0..<batch {
            let scores = output[sample * classes..<(sample + 1) * classes]
            let ranked = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(top)
            let names = classes == fashionMNISTClassNames.count ? fashionMNISTClassNames : nil
            let line = ranked.map { index in
                let local = index - sample * classes
                return "\(names?[local] ?? "class \(local)") \(String(format3(scores[index])))"
            }.joined(separator: ", ")
            if labels.isEmpty {
                print(batch > 1 ? "sample \(sample): \(line)" : line)
            } else {
                let hit = ranked.first.map { $0 - sample * classes } == labels[sample]
                if hit { correct += 1 }
                let truth = fashionMNISTClassNames[labels[sample]]
                print("image \(fashionIndex! + sample): \(line)  | true: \(truth) \(hit ? "✓" : "✗")")
            }
        }
        if batch > 1, !labels.isEmpty { print("\(correct)/\(batch) top-1 correct") }
    }

    /// The per-sample input shape from a model metadata answer; any other answer ends inferctl.
    static func inputShape(_ response: InferenceClient.Response) throws -> [Int] {
        struct Metadata: Decodable {
            struct Tensor: Decodable { var shape: [Int] }
            var inputs: [Tensor]
        }
        let metadata = try decodeAnswer(Metadata.self, from: response)
        guard let shape = metadata.inputs.first?.shape, shape.first == -1 else {
            throw ValidationError("model metadata has no batched input shape")
        }
        return Array(shape.dropFirst())
    }
}

/// A score with three decimals, without Foundation's formatter: "-0.623", "0.190", "12.000". A
/// value that rounds to zero prints without a sign; one too large for three decimals in an `Int`,
/// an infinity or a NaN prints as Swift describes it.
func format3(_ value: Float) -> String {
    guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
    let scaled = Int((abs(value) * 1000).rounded())
    let whole = scaled / 1000, fraction = scaled % 1000
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return sign + "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
}
