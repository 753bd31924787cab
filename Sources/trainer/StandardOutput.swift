#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Flushes C's `stdout` (where `print` writes); why the output or part of it was not written, or
/// nil when all of it was.
func standardOutputProblem() -> String? {
    if fflush(stdout) != 0 { return String(cString: strerror(errno)) }
    return ferror(stdout) != 0 ? "an earlier write failed" : nil
}

/// Writes `text` to C's `stdout` at once, as `print` would, so that a failed write is seen by
/// `standardOutputProblem()` when the command ends.
func writeStandardOutput(_ text: String) {
    fputs(text, stdout)
    fflush(stdout)
}
