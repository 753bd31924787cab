import ArgumentParser

/// The longest duration any inferctl option accepts: one day, far beyond any useful run, and far
/// below where seconds stop fitting in 64-bit nanoseconds.
let maximumSeconds: Double = 86_400

/// Throws a usage error unless `value` is a finite number of seconds within `range`, so a duration
/// converted to integer nanoseconds later can neither trap nor wrap.
func validateSeconds(_ value: Double, option: String, range: ClosedRange<Double>) throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(option) must be a number of seconds from \(format(range.lowerBound)) to \(format(range.upperBound)), found \(value)")
    }
}

private func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
}
