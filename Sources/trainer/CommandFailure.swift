/// A problem that ends a trainer command after its arguments parsed: one line naming it, exit 1,
/// without the usage text a `ValidationError` adds.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
