import ArgumentParser
import CommandLineOutput
import NIOCore
import Server

#if canImport(Glibc)
import Glibc
#endif

@main
struct InferctlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferctl",
        abstract: "Talks to inferd over its Unix socket.",
        subcommands: [Health.self, Models.self, Infer.self, Reload.self, Bench.self, Inspect.self])

    @OptionGroup var connection: ConnectionOptions

    /// Exits 1 when the output could not be written (`mainCheckingOutput`).
    static func main() { mainCheckingOutput(errorPrefix: "inferctl: ") }
}

/// Turns a client failure into one line on stderr and exit code 1.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let InferenceClientError.unreachable(path, _) where isDirectory(path) {
        // connect(2) answers ECONNREFUSED for a directory, which sends the user looking for a daemon.
        printError("inferctl: cannot connect to inferd at \(path): it is a directory, not a socket")
        throw ExitCode(1)
    } catch ChannelError.ioOnClosedChannel {
        // What InferenceClient reports when the connection ends mid-answer (inferd closed it, or
        // the client did on an answer that is not HTTP); NIO's own text names neither.
        printError("inferctl: the connection to inferd closed before a whole answer arrived")
        throw ExitCode(1)
    } catch {
        printError("inferctl: \(error)")
        throw ExitCode(1)
    }
}

/// Whether `path` names a directory (following symbolic links).
private func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
}

/// Writes one line to stderr.
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
}

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Liveness and readiness; exit 1 unless ready.")
    @ParentCommand var root: InferctlCommand
    var connection: ConnectionOptions { root.connection }

    func run() throws {
        let client = connection.client()
        let (live, ready) = try failing {
            (try client.get("/v2/health/live").status, try client.get("/v2/health/ready").status)
        }
        print("live: \(live == 200 ? "yes" : "no (\(live))")")
        print("ready: \(ready == 200 ? "yes" : "no (\(ready))")")
        if ready != 200 { throw ExitCode(1) }
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rereads the models directory (as SIGHUP does) and prints the result.")
    @ParentCommand var root: InferctlCommand
    var connection: ConnectionOptions { root.connection }

    func run() throws {
        let response = try failing { try connection.client().post("/v2/repository/reload") }
        guard response.status == 200 else {
            print("reload failed: HTTP \(response.status) \(response.errorMessage)")
            throw ExitCode(1)
        }
        try printIndex(response)
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists every weight file's model, version and state.")
    @ParentCommand var root: InferctlCommand
    var connection: ConnectionOptions { root.connection }

    func run() throws {
        try printIndex(try failing { try connection.client().post("/v2/repository/index") })
    }
}
