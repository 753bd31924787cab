import ArgumentParser
import Engine
import Foundation
import ModelFile
import Training

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a model file with seeded random weights (for benchmarks).")

    @OptionGroup var architecture: ArchitectureOptions

    @Option(help: "Output weight file (.inferd).")
    var out: String

    @Option(help: "Seed for the random weights.")
    var seed: UInt64 = 1

    @Option(help: "Served model name (default: the family name).")
    var name: String?

    @Option(name: .customLong("signing-key"), help: "Ed25519 private key file to sign the output with.")
    var signingKey: String?

    func run() throws {
        let arch = try architecture.architecture()
        let key = try signingKey.map { try SigningKeys.readPrivateKey(path: $0) }
        let trainer = try Trainer(architecture: arch, options: TrainingOptions(epochs: 0, seed: seed, threads: 1))
        let metadata = ["producer": "trainer \(TrainerCommand.version)", "seed": "\(seed)", "weights": "random (untrained)",
                        "date": ISO8601DateFormatter().string(from: Date()),
                        "command": (["trainer"] + CommandLine.arguments.dropFirst()).joined(separator: " ")]
        try ModelFile(name: name ?? architecture.servedName, version: 1, architecture: arch,
                      weights: trainer.weights(), metadata: metadata).write(to: out, signingKey: key)
        print("wrote \(out): \(architecture.arch.rawValue), \(trainer.parameterCount) parameters, random weights (seed \(seed))")
    }
}
