/// The indirect convolution's tail: the one to three output positions a 6-row tiling leaves over
/// (conv3 of the reference CNN: 9 = 6 + 3), against up to 32 output channels (two weight panels)
/// at once, where a 6×16 tile per panel would do six rows' work for three. Twelve accumulators,
/// as in the 6×16 tile; each output is one FMA chain over the window in (ky, kx, c) order from
/// zero, like `conv2dF32_6x16`, so it gets the same bits. `b1` is the second panel (ignored when
/// `columns` ≤ 16); positions past `rows` alias the last one and are not stored.
@inline(never)
func conv2dF32_3x32(x: UnsafePointer<Float>, base0: Int, base1: Int, base2: Int,
                    kernelHeight: Int, kernelWidth: Int, rowStride: Int, columnStride: Int,
                    channels: Int, channelStride: Int, b0: UnsafePointer<Float>, b1: UnsafePointer<Float>,
                    c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                    rows: Int, columns: Int, epilogue: GEMMF32Epilogue) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>(), c03 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>(), c13 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c22 = SIMD8<Float>(), c23 = SIMD8<Float>()
    var p0 = b0, p1 = b1
    let r0 = x + base0, r1 = x + base1, r2 = x + base2
    var walk = ConvolutionWindowWalk(kernelHeight: kernelHeight, kernelWidth: kernelWidth, rowStride: rowStride,
                             columnStride: columnStride, channels: channels, channelStride: channelStride)
    for _ in 0..<walk.count {
        let offset = walk.offset
        // Three broadcasts, then one weight vector at a time: 12 accumulators + 3 + 1 = 16 ymm
        // registers (four weight vectors live at once spilled two accumulators every step).
        let a0 = SIMD8<Float>(repeating: r0[offset]), a1 = SIMD8<Float>(repeating: r1[offset])
        let a2 = SIMD8<Float>(repeating: r2[offset])
        var w = loadF32x8(p0)
        c00.addProduct(a0, w); c10.addProduct(a1, w); c20.addProduct(a2, w)
        w = loadF32x8(p0 + 8)
        c01.addProduct(a0, w); c11.addProduct(a1, w); c21.addProduct(a2, w)
        w = loadF32x8(p1)
        c02.addProduct(a0, w); c12.addProduct(a1, w); c22.addProduct(a2, w)
        w = loadF32x8(p1 + 8)
        c03.addProduct(a0, w); c13.addProduct(a1, w); c23.addProduct(a2, w)
        p0 += 16
        p1 += 16
        walk.advance()
    }
    let first = min(16, columns), second = columns - first
    epilogue.store(c00, c01, row: row, column: column, columns: first, c: c, accumulate: false)
    if second > 0 { epilogue.store(c02, c03, row: row, column: column + 16, columns: second, c: c + 16, accumulate: false) }
    if rows > 1 {
        epilogue.store(c10, c11, row: row + 1, column: column, columns: first, c: c + ldc, accumulate: false)
        if second > 0 {
            epilogue.store(c12, c13, row: row + 1, column: column + 16, columns: second, c: c + ldc + 16, accumulate: false)
        }
    }
    if rows > 2 {
        epilogue.store(c20, c21, row: row + 2, column: column, columns: first, c: c + 2 * ldc, accumulate: false)
        if second > 0 {
            epilogue.store(c22, c23, row: row + 2, column: column + 16, columns: second, c: c + 2 * ldc + 16,
                           accumulate: false)
        }
    }
}
