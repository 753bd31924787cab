/// Winograd F(2×2, 3×3) convolution for 3×3 stride-1 windows: every 2×2 block of outputs (a
/// tile) comes from a 4×4 input patch with 16 multiplies per channel pair instead of 36. With
/// `V = Bᵀ d B` (input patch), `U = G g Gᵀ` (filter, transformed once at pack time) and
/// `M_ξ = Σ_c V_ξ[c] U_ξ[c]` as 16 GEMMs (tiles × Cin)·(Cin × Cout), the output is `Aᵀ M A`.
/// Tiles at the right and bottom edges hang over the output (and read zeros past the input).
///
/// Error: the transforms only add, subtract and halve, so the result differs from the direct sum
/// by rounding alone; the tests hold it within 2e-5 of `conv2dF32Reference` for activations and
/// weights in [-1, 1] with up to 64 input channels (the direct kernel: 1e-5).
public struct WinogradConv2DF32: Sendable {
    public let geometry: Conv2DGeometry
    public let outChannels: Int
    public let tilesY: Int, tilesX: Int

    /// Nil unless `g` is a 3×3 window with stride 1 (any padding, channels and layout).
    public init?(_ g: Conv2DGeometry, outChannels: Int) {
        guard g.kernelHeight == 3, g.kernelWidth == 3, g.strideY == 1, g.strideX == 1,
              g.outputHeight > 0, g.outputWidth > 0 else { return nil }
        geometry = g
        self.outChannels = outChannels
        tilesY = (g.outputHeight + 1) / 2
        tilesX = (g.outputWidth + 1) / 2
    }

    /// Whether the engine should take this path over the direct kernels (measured on the
    /// reference CNN, one thread: conv2, 13×13×32 → 11×11×64, 36 tiles, ran faster; conv3's 3×3
    /// output makes 4 tiles, whose 16 GEMMs of 4 rows leave most of the 6-row register tile
    /// idle). Needs enough channels for the GEMMs and at least 9 tiles.
    public static func prefers(_ g: Conv2DGeometry, outChannels: Int) -> Bool {
        guard let w = WinogradConv2DF32(g, outChannels: outChannels) else { return false }
        return g.channels >= 16 && outChannels >= 16 && w.tiles >= 9
    }

    public var tiles: Int { tilesY * tilesX }

    /// Floats of the transformed, packed weights: 16 GEMM B operands of `Cin × Cout`.
    public var packedWeightsSize: Int { 16 * gemmF32PackedBSize(k: geometry.channels, n: outChannels) }

    /// Floats of workspace `conv2dWinogradF32` needs: the 16 transformed input matrices
    /// (tiles × Cin) and the 16 products (tiles × Cout).
    public var workspaceSize: Int { 16 * tiles * (geometry.channels + outChannels) }

    /// Transforms OIHW weights (`U = G g Gᵀ` per output and input channel, in Double, rounded
    /// once) and packs each of the 16 `U_ξ[c][o]` as a GEMM B operand.
    public func packWeights(_ weights: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        let cin = geometry.channels, cout = outChannels
        let transformed = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cin * cout)
        defer { transformed.deallocate() }
        let gMatrix: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        for o in 0..<cout {
            for c in 0..<cin {
                let w = weights + (o * cin + c) * 9
                for i in 0..<4 {
                    for j in 0..<4 {
                        var sum = 0.0
                        for ky in 0..<3 {
                            for kx in 0..<3 { sum += gMatrix[i][ky] * Double(w[ky * 3 + kx]) * gMatrix[j][kx] }
                        }
                        transformed[((i * 4 + j) * cin + c) * cout + o] = Float(sum)
                    }
                }
            }
        }
        let panelSize = gemmF32PackedBSize(k: cin, n: cout)
        for xi in 0..<16 {
            packBF32(k: cin, n: cout, b: transformed + xi * cin * cout, rowStride: cout, columnStride: 1,
                     into: packed + xi * panelSize)
        }
    }
}

/// Winograd F(2×2, 3×3) convolution, bias and activation fused into the output transform:
/// output channels-last `[OH·OW][outChannels]`; weights from `WinogradConv2DF32.packWeights`;
/// `workspace` holds `workspaceSize` floats. Allocates nothing.
public func conv2dWinogradF32(_ w: WinogradConv2DF32, x: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>,
                              bias: UnsafePointer<Float>?, activation: ActivationF32,
                              y: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>) {
    let cin = w.geometry.channels, cout = w.outChannels, tiles = w.tiles
    let transformedInput = workspace, products = workspace + 16 * tiles * cin
    winogradInputTransformF32(w, x: x, into: transformedInput)
    let panelSize = gemmF32PackedBSize(k: cin, n: cout)
    for xi in 0..<16 {
        gemmF32(m: tiles, n: cout, k: cin, a: transformedInput + xi * tiles * cin, lda: cin,
                packedB: packedWeights + xi * panelSize, c: products + xi * tiles * cout, ldc: cout)
    }
    switch activation {
    case .none: winogradOutputTransformF32(w, products: products, bias: bias, y: y) { $0 }
    case .relu: winogradOutputTransformF32(w, products: products, bias: bias, y: y, reluF32x8)
    default: winogradOutputTransformF32(w, products: products, bias: bias, y: y) { activation.apply($0) }
    }
}

/// `V_ξ[tile][c]` for all tiles: `Bᵀ d B` of each tile's 4×4 input patch, eight channels at a time.
func winogradInputTransformF32(_ w: WinogradConv2DF32, x: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
    let g = w.geometry, cin = g.channels, matrix = w.tiles * cin
    let vectorLoads = g.channelStride == 1
    for ty in 0..<w.tilesY {
        for tx in 0..<w.tilesX {
            let y0 = 2 * ty - g.padY, x0 = 2 * tx - g.padX
            let interior = y0 >= 0 && x0 >= 0 && y0 + 4 <= g.height && x0 + 4 <= g.width
            let out = v + (ty * w.tilesX + tx) * cin
            var c = 0
            while c < cin {
                let lanes = min(8, cin - c)
                @inline(__always) func d(_ i: Int, _ j: Int) -> SIMD8<Float> {
                    let iy = y0 + i, ix = x0 + j
                    guard interior || (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width) else { return SIMD8() }
                    let p = x + iy * g.rowStride + ix * g.columnStride + c * g.channelStride
                    if vectorLoads && lanes == 8 { return loadF32x8(p) }
                    var lane = SIMD8<Float>()
                    for l in 0..<lanes { lane[l] = p[l * g.channelStride] }
                    return lane
                }
                // Bᵀ d: rows 0 − 2, 1 + 2, 2 − 1, 1 − 3 (per column j).
                var t = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                @inline(__always) func store(_ i: Int, _ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>, _ t3: SIMD8<Float>) {
                    // · B: columns 0 − 2, 1 + 2, 2 − 1, 1 − 3.
                    let base = out + c + 4 * i * matrix
                    storeF32x8(t0 - t2, base, count: lanes)
                    storeF32x8(t1 + t2, base + matrix, count: lanes)
                    storeF32x8(t2 - t1, base + 2 * matrix, count: lanes)
                    storeF32x8(t1 - t3, base + 3 * matrix, count: lanes)
                }
                let d00 = d(0, 0), d01 = d(0, 1), d02 = d(0, 2), d03 = d(0, 3)
                let d10 = d(1, 0), d11 = d(1, 1), d12 = d(1, 2), d13 = d(1, 3)
                let d20 = d(2, 0), d21 = d(2, 1), d22 = d(2, 2), d23 = d(2, 3)
                let d30 = d(3, 0), d31 = d(3, 1), d32 = d(3, 2), d33 = d(3, 3)
                t = (d00 - d20, d01 - d21, d02 - d22, d03 - d23)
                store(0, t.0, t.1, t.2, t.3)
                t = (d10 + d20, d11 + d21, d12 + d22, d13 + d23)
                store(1, t.0, t.1, t.2, t.3)
                t = (d20 - d10, d21 - d11, d22 - d12, d23 - d13)
                store(2, t.0, t.1, t.2, t.3)
                t = (d10 - d30, d11 - d31, d12 - d32, d13 - d33)
                store(3, t.0, t.1, t.2, t.3)
                c += 8
            }
        }
    }
}

/// `Aᵀ M A` of each tile's 16 products, plus bias, through `activation`, into the outputs the
/// tile covers (those past the output's edge are dropped), eight output channels at a time.
@inline(__always)
func winogradOutputTransformF32(_ w: WinogradConv2DF32, products m: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                y: UnsafeMutablePointer<Float>, _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    let cout = w.outChannels, matrix = w.tiles * cout, oh = w.geometry.outputHeight, ow = w.geometry.outputWidth
    for ty in 0..<w.tilesY {
        for tx in 0..<w.tilesX {
            let tile = m + (ty * w.tilesX + tx) * cout
            let oy = 2 * ty, ox = 2 * tx
            let rows = min(2, oh - oy), columns = min(2, ow - ox)
            var o = 0
            while o < cout {
                let lanes = min(8, cout - o)
                @inline(__always) func at(_ xi: Int) -> SIMD8<Float> { loadF32x8(tile + xi * matrix + o, count: lanes) }
                // Aᵀ M: rows 0 + 1 + 2 and 1 − 2 − 3 (per column j).
                let s00 = at(0) + at(4) + at(8), s01 = at(1) + at(5) + at(9)
                let s02 = at(2) + at(6) + at(10), s03 = at(3) + at(7) + at(11)
                let s10 = at(4) - at(8) - at(12), s11 = at(5) - at(9) - at(13)
                let s12 = at(6) - at(10) - at(14), s13 = at(7) - at(11) - at(15)
                let b = bias.map { loadF32x8($0 + o, count: lanes) } ?? SIMD8()
                // · A: columns 0 + 1 + 2 and 1 − 2 − 3.
                let out = y + (oy * ow + ox) * cout + o
                storeF32x8(activation(s00 + s01 + s02 + b), out, count: lanes)
                if columns > 1 { storeF32x8(activation(s01 - s02 - s03 + b), out + cout, count: lanes) }
                if rows > 1 {
                    storeF32x8(activation(s10 + s11 + s12 + b), out + ow * cout, count: lanes)
                    if columns > 1 { storeF32x8(activation(s11 - s12 - s13 + b), out + (ow + 1) * cout, count: lanes) }
                }
                o += 8
            }
        }
    }
}
