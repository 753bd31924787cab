/// A weight-file format version. Minor versions only add optional header fields, so a reader
/// accepts any minor version of the major version it knows; a different major version is refused.
public struct FormatVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var major: UInt16
    public var minor: UInt16

    public init(major: UInt16, minor: UInt16) {
        self.major = major; self.minor = minor
    }

    /// The version this build writes and the newest it reads.
    public static let current = FormatVersion(major: 1, minor: 0)

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: FormatVersion, rhs: FormatVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
