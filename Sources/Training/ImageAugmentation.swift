import Engine

/// Seeded random translation (and optional left–right mirroring) of square training images.
///
/// Each image of an epoch gets its own transform, drawn up front from a generator seeded by the run's
/// seed and the epoch, so a run is reproducible whatever the thread count, and the shuffling
/// stream is the same with or without augmentation. Pixels shifted in from outside are zero.
public struct ImageAugmentation: Sendable, Equatable {
    /// Largest shift in pixels along each axis; 0 turns translation off.
    public var maxShift: Int
    /// Whether half of the images are mirrored left to right.
    public var mirror: Bool

    public init(maxShift: Int = 0, mirror: Bool = false) {
        self.maxShift = maxShift; self.mirror = mirror
    }

    /// Whether any transform is enabled.
    public var isEnabled: Bool { maxShift > 0 || mirror }

    /// One image's transform: a shift of `dx`, `dy` pixels, then an optional mirror.
    public struct Transform: Sendable, Equatable {
        public var dx: Int, dy: Int, mirrored: Bool
        public init(dx: Int, dy: Int, mirrored: Bool) { self.dx = dx; self.dy = dy; self.mirrored = mirrored }
        public static let identity = Transform(dx: 0, dy: 0, mirrored: false)
    }

    /// The transforms for `count` images in epoch `epoch` of a run seeded with `seed`.
    public func transforms(count: Int, seed: UInt64, epoch: Int) -> [Transform] {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &+ 0xA5A5)
        let span = UInt64(2 * maxShift + 1)
        return (0..<count).map { _ in
            let bits = random.next()
            return Transform(dx: Int(bits % span) - maxShift, dy: Int((bits / span) % span) - maxShift,
                             mirrored: mirror && (bits >> 63) == 1)
        }
    }

    /// Writes `source` (a `side`×`side` image) moved by `transform` into `destination`.
    public static func apply(_ transform: Transform, side: Int,
                             from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>) {
        for y in 0..<side {
            let sy = y - transform.dy
            let row = destination + y * side
            guard sy >= 0, sy < side else { row.update(repeating: 0, count: side); continue }
            for x in 0..<side {
                let shifted = transform.mirrored ? side - 1 - x : x
                let sx = shifted - transform.dx
                row[x] = sx >= 0 && sx < side ? source[sy * side + sx] : 0
            }
        }
    }
}
