import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

@main
struct TrainerCommand: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Train, quantize and evaluate inferd models on Fashion-MNIST.",
        version: version,
        subcommands: [TrainCommand.self, QuantizeCommand.self, EvalCommand.self, InitCommand.self, KeygenCommand.self])

    /// ArgumentParser's `main()`, then exit 1 with one line on stderr when the output could not be
    /// written (a full disk, `> /dev/full`): a report that never arrived is not a success.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
        if let problem = standardOutputProblem() {
            let line = "Error: cannot write the output: \(problem)\n"
            _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
            Glibc.exit(1)
        }
    }
}
