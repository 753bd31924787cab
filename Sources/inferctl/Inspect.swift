import ArgumentParser
import Engine
import Foundation
import ModelFile

/// `inferctl inspect FILE`: validates a weight file and describes it. Exit 0 for a valid file;
/// exit 1 with one line on stderr naming the file and the problem otherwise.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validates a weight file and shows its architecture, tensors, sizes, metadata and signature.")

    @Argument(help: "The .inferd weight file.")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .customLong("trusted-key"),
            help: "Public key file (\"ed25519-public:BASE64\"); repeatable. Given any, a valid signature from one is required.")
    var trustedKeys: [String] = []

    func run() throws {
        let inspection: ModelFileInspection
        do {
            let keys = try trustedKeys.map { path throws(ModelFileError) in try SigningKeys.readPublicKey(path: path) }
            inspection = try ModelFile.inspect(path: file, trustedKeys: keys.isEmpty ? nil : keys)
        } catch {
            FileHandle.standardError.write(Data("inferctl inspect: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let report = InspectReport(file: file, inspection)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
