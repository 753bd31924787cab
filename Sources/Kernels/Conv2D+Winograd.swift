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
    /// Whether each tile's 2×2 outputs are max-pooled into one (`pooling2x2`).
    public let poolsTiles: Bool

    /// Nil unless `g` is a 3×3 window with stride 1 (any padding, channels and layout).
    public init?(_ g: Conv2DGeometry, outChannels: Int) {
        guard g.kernelHeight == 3, g.kernelWidth == 3, g.strideY == 1, g.strideX == 1,
              g.outputHeight > 0, g.outputWidth > 0 else { return nil }
        geometry = g
        self.outChannels = outChannels
        tilesY = (g.outputHeight + 1) / 2
        tilesX = (g.outputWidth + 1) / 2
        poolsTiles = false
    }

    private init(pooling w: WinogradConv2DF32) {
        geometry = w.geometry
        outChannels = w.outChannels
        tilesY = w.geometry.outputHeight / 2
        tilesX = w.geometry.outputWidth / 2
        poolsTiles = true
    }

    /// The same convolution followed by a 2×2 max pool with stride 2 (floor mode): each tile is
    /// one pooling window, so the output is `[OH/2 · OW/2][outChannels]` and the tiles of a last
    /// odd row or column, which the pool drops, are not computed at all (cnn conv2: 25 of 36
    /// tiles). Same values, bit for bit, as the convolution then `maxPoolF32`. Nil when the
    /// output is smaller than one window.
    public var pooling2x2: WinogradConv2DF32? {
        geometry.outputHeight >= 2 && geometry.outputWidth >= 2 ? WinogradConv2DF32(pooling: self) : nil
    }

    /// Whether the engine should take this path over the direct kernels. Measured on the reference
    /// CNN, one thread (inferbench --profile-runs, load 2-4.5): conv2 (13×13×32 → 11×11×64, 36
    /// tiles) 41-49 → 27 µs; conv3 (5×5×64 → 3×3×64, 4 tiles, whose 16 GEMMs of 4 rows leave most of
    /// the 6-row register tile idle) 7.9-8.5 µs direct vs 7.9 µs Winograd, no gain. Needs enough
    /// channels for the GEMMs and at least 9 tiles.
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
/// output channels-last `[OH·OW][outChannels]` (or the pooled `[OH/2 · OW/2][outChannels]` when
/// `w.poolsTiles`); weights from `WinogradConv2DF32.packWeights`;
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
