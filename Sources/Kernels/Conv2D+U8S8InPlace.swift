#if arch(x86_64)
import KernelsAVX512VNNI
#endif

/// How `conv2dU8S8InPlace` reads a convolution's windows straight from a channels-last uint8
/// image instead of gathering them into rows: each kernel row of a window (`kernelWidth ·
/// channels` adjacent bytes, a "segment") is read as `segmentBytes / 4` quads, the bytes past the
/// kernel row meeting zero weights. Images that are not channels-last, or convolutions with
/// padding, are first copied into a padded channels-last buffer whose border holds the zero
/// point (`prepare`). Built once per geometry (it allocates the window offsets).
public final class InPlaceConvU8S8Layout: @unchecked Sendable {
    public let geometry: Conv2DGeometry
    /// Whether the image is copied (with its padding) before it is read; otherwise it is read where it is.
    public let copiesImage: Bool
    /// `kernelWidth · channels` rounded up to whole quads.
    public let segmentBytes: Int
    /// Depth of the packed weights: `kernelHeight · segmentBytes`.
    public var depth: Int { geometry.kernelHeight * segmentBytes }
    /// Bytes a run reads from the image it is given (when not copied) or from the padded copy,
    /// including the at most three bytes the last window reads past the image.
    public let imageBytes: Int
    /// The output rows and columns computed: all of them, or the top-left region a following
    /// pool reads (`init(_:croppedTo:)`). Positions are row-major over this region.
    public let outputHeight: Int, outputWidth: Int
    public var positions: Int { outputHeight * outputWidth }
    /// `positions` rounded up to whole 6-row tiles: the rows the Int32 output must hold.
    public let tiledPositions: Int
    let paddedWidth: Int
    let rowBytes: Int
    /// Byte offset of each (tiled) position's window corner; the tile's spare rows repeat the last.
    let offsets: UnsafeMutablePointer<Int>

    public convenience init(_ g: Conv2DGeometry) {
        self.init(g, croppedTo: (g.outputHeight, g.outputWidth))
    }

    /// Only the top-left `region.rows × region.columns` outputs, e.g. those a floor-mode pool reads.
    public init(_ g: Conv2DGeometry, croppedTo region: (rows: Int, columns: Int)) {
        precondition(g.positions > 0 && g.windowSize > 0 && (1...g.outputHeight).contains(region.rows)
                     && (1...g.outputWidth).contains(region.columns),
                     "InPlaceConvU8S8Layout: empty convolution or region \(region) outside \(g)")
        geometry = g
        (outputHeight, outputWidth) = region
        let channelsLast = (g.channels == 1 || g.channelStride == 1) && g.columnStride == g.channels
            && g.rowStride == g.width * g.channels
        copiesImage = !channelsLast || g.padY != 0 || g.padX != 0
        paddedWidth = g.width + 2 * g.padX
        rowBytes = paddedWidth * g.channels
        segmentBytes = (g.kernelWidth * g.channels + 3) / 4 * 4
        imageBytes = (g.height + 2 * g.padY) * rowBytes + segmentBytes - g.kernelWidth * g.channels
        let positions = region.rows * region.columns
        tiledPositions = (positions + 5) / 6 * 6
        offsets = .allocate(capacity: tiledPositions)
        for p in 0..<tiledPositions {
            let q = min(p, positions - 1), oy = q / region.columns, ox = q % region.columns
            offsets[p] = oy * g.strideY * rowBytes + ox * g.strideX * g.channels
        }
    }

    deinit { offsets.deallocate() }

    /// OIHW int8 weights as `[outputs][depth]` rows in the window order of the in-place reads:
    /// (ky, kx, c) with each kernel row padded by zeros to `segmentBytes`.
    public func windowOrderedWeights(_ w: UnsafePointer<Int8>, outputs: Int) -> [Int8] {
        let channels = geometry.channels
        return geometry.reorderedOIHW(w, outputs: outputs, depth: depth) { ky, kx, c in
            ky * segmentBytes + kx * channels + c
        }
    }

    /// Fills a padded copy buffer of `imageBytes` bytes with the zero point; `prepare` then only
    /// rewrites its interior, so this is done once per buffer.
    public func initializePaddedBuffer(_ buffer: UnsafeMutablePointer<UInt8>, zeroPoint: Int32) {
        buffer.initialize(repeating: UInt8(clamping: zeroPoint), count: imageBytes)
    }

    /// The bytes to read for `image`: `image` itself when it is read in place (it must then be
    /// readable for `imageBytes` bytes), else its copy in `buffer` (see `initializePaddedBuffer`).
    public func prepare(_ image: UnsafePointer<UInt8>, buffer: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        guard copiesImage else { return image }
        let g = geometry
        for y in 0..<g.height {
            let row = buffer + (y + g.padY) * rowBytes + g.padX * g.channels
            for x in 0..<g.width {
                let source = image + y * g.rowStride + x * g.columnStride
                for c in 0..<g.channels { row[x * g.channels + c] = source[c * g.channelStride] }
            }
        }
        return UnsafePointer(buffer)
    }
}

/// Int8 convolution reading windows in place (`InPlaceConvU8S8Layout`): `c[p · ldc + j] =
/// Σ (window(p) − zeroPoint) · W(·, j)` for every position `p` of the layout's region, equal to `conv2dS8Reference`
/// bit for bit. `image` comes from `layout.prepare`; `right` holds `layout.windowOrderedWeights`.
/// `c` must hold `layout.tiledPositions` rows of `ldc ≥ 16 · panels` Int32 (whole panels and
/// tiles are written; the spare ones hold junk). Positions go in blocks of `blockTiles` 6-row
/// tiles; after each, `epilogue(first, count)` sees the positions just completed (rows of `c`).
/// With AVX512_VNNI the tiles run `vpdpbusd` (a last tile of at most three positions on the
/// 3-row kernel); elsewhere a scalar loop gives the same sums.
/// Allocates nothing.
public func conv2dU8S8InPlace(_ layout: InPlaceConvU8S8Layout, image: UnsafePointer<UInt8>, zeroPoint: Int32,
                              right: PackedRightS8x4, c: UnsafeMutablePointer<Int32>, ldc: Int, blockTiles: Int = 8,
                              epilogue: (_ first: Int, _ count: Int) -> Void) {
    let tile = PackedRightS8x4.columnTile
    precondition(right.depth == layout.depth && ldc >= right.panels * tile && blockTiles > 0,
                 "conv2dU8S8InPlace: weights of depth \(right.depth) for \(layout.depth), ldc \(ldc)")
    let g = layout.geometry, positions = layout.positions, tiles = layout.tiledPositions / 6
    var firstTile = 0
    while firstTile < tiles {
        let endTile = min(tiles, firstTile + blockTiles)
#if arch(x86_64)
        if Int8GEMMKernels.avx512VNNIIsSupported {
            let quads = right.depthQuads, panelStride = quads * tile * 4, segmentQuads = layout.segmentBytes / 4
            for t in firstTile..<endTile {
                let halfTile = positions - 6 * t <= 3
                for panel in 0..<right.panels {
                    let b = right.storage + panel * panelStride, sums = right.columnSums + panel * tile
                    let out = c + 6 * t * ldc + panel * tile
                    if halfTile {
                        convU8S8_3x16_avx512vnni(segments: g.kernelHeight, segmentQuads: segmentQuads,
                                                 segmentStride: layout.rowBytes, image: image,
                                                 offsets: layout.offsets + 6 * t, b: b, columnSums: sums,
                                                 zeroPoint: zeroPoint, c: out, ldc: ldc)
                    } else {
                        convU8S8_6x16_avx512vnni(segments: g.kernelHeight, segmentQuads: segmentQuads,
                                                 segmentStride: layout.rowBytes, image: image,
                                                 offsets: layout.offsets + 6 * t, b: b, columnSums: sums,
                                                 zeroPoint: zeroPoint, c: out, ldc: ldc)
                    }
                }
            }
        } else {
            inPlaceSumsReference(layout, image: image, zeroPoint: zeroPoint, right: right, c: c, ldc: ldc,
                                 rows: 6 * firstTile..<min(6 * endTile, positions))
        }
#else
        inPlaceSumsReference(layout, image: image, zeroPoint: zeroPoint, right: right, c: c, ldc: ldc,
                             rows: 6 * firstTile..<min(6 * endTile, positions))
#endif
        let first = 6 * firstTile
        epilogue(first, min(6 * endTile, positions) - first)
        firstTile = endTile
    }
}

/// The same sums one element at a time, reading the packed weights by `element`.
private func inPlaceSumsReference(_ layout: InPlaceConvU8S8Layout, image: UnsafePointer<UInt8>, zeroPoint: Int32,
                                  right: PackedRightS8x4, c: UnsafeMutablePointer<Int32>, ldc: Int, rows: Range<Int>) {
    let g = layout.geometry
    for p in rows {
        for j in 0..<right.columns {
            var sum: Int32 = 0
            for ky in 0..<g.kernelHeight {
                let segment = image + layout.offsets[p] + ky * layout.rowBytes
                for e in 0..<layout.segmentBytes {
                    sum &+= (Int32(segment[e]) - zeroPoint) * Int32(right.element(ky * layout.segmentBytes + e, j))
                }
            }
            c[p * ldc + j] = sum
        }
    }
}
