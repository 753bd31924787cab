/// How the indirect int8 convolution walks one window: `segmentOffsets.count` runs of
/// `segmentElements` adjacent Int16 values (an even count, so they split into the GEMM's depth
/// pairs), at element offsets from the window's top-left corner. The depth order is the
/// concatenation of the segments, and the weights are reordered to match (`reorderedWeights`).
///
/// Two layouts qualify, both without padding:
/// - channels-last input with an even channel count: one segment per tap, `C` channels long
///   (depth order ky, kx, c — the im2col order);
/// - a single channel stored row-major: one segment per kernel row, the kernel width rounded up to
///   even; the extra tap has weight 0 and reads up to `imagePadding` elements past the image.
public struct IndirectConvS8Layout: Equatable, Sendable {
    public let geometry: Conv2DGeometry
    public let segmentElements: Int
    public let segmentOffsets: [Int]
    /// Readable elements the centered image needs after its last one.
    public let imagePadding: Int
    /// The element offset of every depth pair, segment by segment.
    let pairOffsets: [Int]

    /// Nil when `g` has padding or neither layout above.
    public init?(_ g: Conv2DGeometry) {
        guard g.padY == 0, g.padX == 0 else { return nil }
        geometry = g
        if g.channelStride == 1, g.channels % 2 == 0 {
            segmentElements = g.channels
            segmentOffsets = (0..<g.kernelHeight).flatMap { ky in
                (0..<g.kernelWidth).map { kx in ky * g.rowStride + kx * g.columnStride }
            }
            imagePadding = 0
        } else if g.channels == 1, g.columnStride == 1 {
            segmentElements = (g.kernelWidth + 1) / 2 * 2
            segmentOffsets = (0..<g.kernelHeight).map { $0 * g.rowStride }
            imagePadding = segmentElements - g.kernelWidth
        } else {
            return nil
        }
        let pairs = segmentElements / 2
        pairOffsets = segmentOffsets.flatMap { offset in (0..<pairs).map { offset + 2 * $0 } }
    }

    /// Depth of the GEMM: values per window, padding taps included.
    public var depth: Int { segmentOffsets.count * segmentElements }

    /// OIHW int8 weights as `[outputs][depth]` rows in this layout's depth order (padding taps 0).
    public func reorderedWeights(_ w: UnsafePointer<Int8>, outputs: Int) -> [Int8] {
        let g = geometry
        return g.reorderedOIHW(w, outputs: outputs, depth: depth) { ky, kx, c in
            g.channels == 1 && segmentElements != g.channels
                ? ky * segmentElements + kx : (ky * g.kernelWidth + kx) * g.channels + c
        }
    }
}

/// Int8 convolution without an im2col matrix: the 6×16 micro-kernel reads each output position's
/// window straight from the centered image (`quantizeCenteredS16` / `centerU8`), through six row
/// pointers and the layout's segment offsets (a last block of one to three positions runs one row
/// at a time instead of wasting half a tile). `right` holds the weights packed from
/// `layout.reorderedWeights` (`pack(transposed:ld:)`). Positions go in blocks of six; after each
/// block `epilogue(first, count, acc, ldacc)` receives its Int32 sums (`count` rows of
/// `right.columns`), which live in `scratch` (`indirectConvS8ScratchSize`). Allocates nothing.
/// The sums equal `conv2dS8Reference` bit for bit.
public func conv2dS8Indirect(_ layout: IndirectConvS8Layout, image: UnsafePointer<Int16>, right: PackedRightS8,
                             scratch: UnsafeMutablePointer<Int32>,
                             epilogue: (_ first: Int, _ count: Int, _ acc: UnsafePointer<Int32>, _ ldacc: Int) -> Void) {
    let g = layout.geometry, tile = PackedRightS8.columnTile
    precondition(right.depth == layout.depth, "indirect conv: weights of depth \(right.depth), layout \(layout.depth)")
    let ldacc = right.panels * tile, panelStride = right.depthPairs * tile * 2
    let positions = g.positions, ow = g.outputWidth
    let stepY = g.strideY * g.rowStride, stepX = g.strideX * g.columnStride
    layout.pairOffsets.withUnsafeBufferPointer { offsets in
        withUnsafeTemporaryAllocation(of: UnsafePointer<Int16>.self, capacity: 6) { rows in
            var first = 0
            while first < positions {
                let count = min(6, positions - first)
                for r in 0..<6 {
                    let p = first + min(r, count - 1)
                    rows[r] = image + (p / ow) * stepY + (p % ow) * stepX
                }
                for panel in 0..<right.panels {
                    let b = right.storage + panel * panelStride
                    if count <= 3 {
                        for r in 0..<count {
                            gemmS8Indirect_1x16(row: rows[r], pairOffsets: offsets.baseAddress!, depthPairs: offsets.count,
                                                b: b, c: scratch + r * ldacc + panel * tile)
                        }
                    } else {
                        gemmS8Indirect_6x16(rows: UnsafePointer(rows.baseAddress!), pairOffsets: offsets.baseAddress!,
                                            depthPairs: offsets.count, b: b, c: scratch + panel * tile, ldc: ldacc)
                    }
                }
                epilogue(first, count, scratch, ldacc)
                first += 6
            }
        }
    }
}

/// Int32 scratch `conv2dS8Indirect` needs for `outputs` channels.
public func indirectConvS8ScratchSize(outputs: Int) -> Int {
    6 * (outputs + PackedRightS8.columnTile - 1) / PackedRightS8.columnTile * PackedRightS8.columnTile
}

/// Scalar reference: `c[p · outputs + o] = Σ (x − zeroPoint) · w[o]` over the window of output
/// position `p` (row-major over the output grid), `x` uint8 in `g`'s layout, `w` OIHW int8.
/// Padding taps contribute 0.
public func conv2dS8Reference(_ g: Conv2DGeometry, x: UnsafePointer<UInt8>, zeroPoint: Int32,
                              weights w: UnsafePointer<Int8>, outputs: Int, c: UnsafeMutablePointer<Int32>) {
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            for o in 0..<outputs {
                var sum: Int32 = 0
                for ch in 0..<g.channels {
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let iy = oy * g.strideY - g.padY + ky, ix = ox * g.strideX - g.padX + kx
                            guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                            let v = Int32(x[ch * g.channelStride + iy * g.rowStride + ix * g.columnStride]) - zeroPoint
                            sum += v * Int32(w[((o * g.channels + ch) * g.kernelHeight + ky) * g.kernelWidth + kx])
                        }
                    }
                }
                c[(oy * g.outputWidth + ox) * outputs + o] = sum
            }
        }
    }
}
