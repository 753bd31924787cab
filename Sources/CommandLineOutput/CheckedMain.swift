import ArgumentParser

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#endif

extension ParsableCommand {
    /// ArgumentParser's `main()`, then exit 1 with one line on stderr, "`errorPrefix`cannot write the
    /// output: why", when standard output could not be written (a full disk, `> /dev/full`): a
    /// listing or report that never arrived is not a success.
    public static func mainCheckingOutput(errorPrefix: String) -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
        if let problem = standardOutputProblem() {
            let line = "\(errorPrefix)cannot write the output: \(problem)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            terminate(1)
        }
        terminate(0)
    }
}

private func terminate(_ status: Int32) -> Never { exit(status) }

/// Flushes C's `stdout` (where `print` writes); why the output or part of it was not written, or
/// nil when all of it was.
private func standardOutputProblem() -> String? {
    if fflush(stdout) != 0 { return String(cString: strerror(errno)) }
    return ferror(stdout) != 0 ? "an earlier write failed" : nil
}
