import ArgumentParser
import CommandLineOutput

@main
struct TrainerCommand: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Train, quantize and evaluate inferd models on Fashion-MNIST.",
        version: version,
        subcommands: [TrainCommand.self, QuantizeCommand.self, EvalCommand.self, InitCommand.self, KeygenCommand.self])

    /// Exits 1 when the output could not be written (`mainCheckingOutput`).
    static func main() { mainCheckingOutput(errorPrefix: "Error: ") }
}
