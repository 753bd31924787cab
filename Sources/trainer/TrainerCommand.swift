import ArgumentParser

@main
struct TrainerCommand: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Train, quantize and evaluate inferd models on Fashion-MNIST.",
        version: version,
        subcommands: [TrainCommand.self, QuantizeCommand.self, EvalCommand.self, InitCommand.self, KeygenCommand.self])
}
