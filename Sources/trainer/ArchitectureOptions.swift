import ArgumentParser
import Engine
import Training

/// The three model families and every knob of their engine configurations; defaults are the golden
/// reference models. Every size has a range (in its help) well inside the limits the weight-file
/// reader enforces (`ArchitectureLimits`: sizes up to 2^20), and the whole model at most
/// `maxParameters`, so a typo is a usage error instead of a failed multi-gigabyte allocation.
struct ArchitectureOptions: ParsableArguments {
    enum Family: String, ExpressibleByArgument, CaseIterable {
        case cnn, lstm, attn
    }

    static let channelRange = 1...1024
    static let hiddenRange = 1...2048
    static let patchRange = 1...FashionMNIST.side
    static let widthRange = 1...1024
    static let blockRange = 1...32
    static let headRange = 1...64
    static let mlpHiddenRange = 1...4096
    /// Most parameters a model may have: 128 MiB of FP32 weights (about 80 bytes each while training).
    static let maxParameters = 1 << 25
    /// Most attention scores (heads × tokens²) an attn block may hold per sample: 16 MiB of floats.
    static let maxAttentionScores = 1 << 22

    @Option(help: "Model family: cnn, lstm or attn.")
    var arch: Family

    @Option(help: "cnn: output channels of the three convolutions, comma-separated, each 1...1024.")
    var channels: String = "32,64,64"

    @Option(help: "cnn: width of the hidden dense layer; lstm: hidden size (1...2048; default 64 for cnn, 128 for lstm).")
    var hidden: Int?

    @Option(help: "attn: patch side in pixels (1...28).")
    var patch: Int = 4

    @Option(help: "attn: token width (1...1024, a multiple of --heads).")
    var width: Int = 64

    @Option(help: "attn: number of encoder blocks (1...32).")
    var blocks: Int = 2

    @Option(help: "attn: attention heads per block (1...64).")
    var heads: Int = 4

    @Option(name: .customLong("mlp-hidden"), help: "attn: hidden width of each block's MLP (1...4096).")
    var mlpHidden: Int = 128

    /// Refuses a size outside its range, naming the option, before anything is allocated.
    func validate() throws {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ option: String) throws {
            guard range.contains(value) else {
                throw ValidationError("\(option) must be \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
        }
        switch arch {
        case .cnn:
            _ = try channelList()
            if let hidden { try check(hidden, Self.hiddenRange, "--hidden") }
        case .lstm:
            if let hidden { try check(hidden, Self.hiddenRange, "--hidden") }
        case .attn:
            try check(patch, Self.patchRange, "--patch")
            try check(width, Self.widthRange, "--width")
            try check(blocks, Self.blockRange, "--blocks")
            try check(heads, Self.headRange, "--heads")
            try check(mlpHidden, Self.mlpHiddenRange, "--mlp-hidden")
            guard width % heads == 0 else {
                throw ValidationError("--width \(width) must be a multiple of --heads \(heads)")
            }
            let side = FashionMNIST.side / patch, tokens = side * side, scores = heads * tokens * tokens
            guard scores <= Self.maxAttentionScores else {
                throw ValidationError("--patch \(patch) and --heads \(heads) give \(scores) attention scores per image "
                                      + "(heads × \(tokens) tokens²), at most \(Self.maxAttentionScores) allowed")
            }
        }
        let count = try architecture().parameters().reduce(0) { $0 + $1.elementCount }
        guard count <= Self.maxParameters else {
            throw ValidationError("this \(arch.rawValue) has \(count) parameters, at most \(Self.maxParameters) allowed; choose smaller sizes")
        }
    }

    func architecture() throws -> Architecture {
        switch arch {
        case .cnn: .cnn(channels: try channelList(), hidden: hidden ?? 64)
        case .lstm: .lstm(hidden: hidden ?? 128)
        case .attn: .attention(patch: patch, width: width, blocks: blocks, heads: heads, mlpHidden: mlpHidden)
        }
    }

    /// The three `--channels` sizes, each within `channelRange`.
    private func channelList() throws -> [Int] {
        let list = channels.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard list.count == 3, list.allSatisfy({ $0.map(Self.channelRange.contains) == true }) else {
            throw ValidationError("--channels needs three integers in \(Self.channelRange.lowerBound)...\(Self.channelRange.upperBound), got '\(channels)'")
        }
        return list.compactMap { $0 }
    }

    /// The served model name of an FP32 file of this family.
    var servedName: String { arch.rawValue }
}
