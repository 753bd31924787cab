import ArgumentParser
import Engine

/// The three model families and every knob of their engine configurations; defaults are the golden
/// reference models.
struct ArchitectureOptions: ParsableArguments {
    enum Family: String, ExpressibleByArgument, CaseIterable {
        case cnn, lstm, attn
    }

    @Option(help: "Model family: cnn, lstm or attn.")
    var arch: Family

    @Option(help: "cnn: output channels of the three convolutions, comma-separated.")
    var channels: String = "32,64,64"

    @Option(help: "cnn: width of the hidden dense layer; lstm: hidden size (default 64 for cnn, 128 for lstm).")
    var hidden: Int?

    @Option(help: "attn: patch side in pixels.")
    var patch: Int = 4

    @Option(help: "attn: token width.")
    var width: Int = 64

    @Option(help: "attn: number of encoder blocks.")
    var blocks: Int = 2

    @Option(help: "attn: attention heads per block.")
    var heads: Int = 4

    @Option(name: .customLong("mlp-hidden"), help: "attn: hidden width of each block's MLP.")
    var mlpHidden: Int = 128

    func architecture() throws -> Architecture {
        switch arch {
        case .cnn:
            let list = channels.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard list.count == 3, list.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--channels needs three positive integers, got '\(channels)'")
            }
            return .cnn(channels: list, hidden: hidden ?? 64)
        case .lstm:
            return .lstm(hidden: hidden ?? 128)
        case .attn:
            return .attention(patch: patch, width: width, blocks: blocks, heads: heads, mlpHidden: mlpHidden)
        }
    }

    /// The served model name of an FP32 file of this family.
    var servedName: String { arch.rawValue }
}
