#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Writes `text` to C's `stdout` at once, as `print` would, so that a failed write is seen when the
/// command ends (`mainCheckingOutput`).
func writeStandardOutput(_ text: String) {
    fputs(text, stdout)
    fflush(stdout)
}
