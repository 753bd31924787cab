#if arch(x86_64)
import KernelsAVX512VNNI
#endif

/// Int8 GEMM with Int32 results on raw operands: `c[i · ldc + j] = Σ_p (a[i · lda + p] − zeroPoint) ·
/// W(p, j)` for `rows` rows of uint8 activations and the packed int8 weights `right`. Equals
/// `gemmS8Reference` bit for bit. Allocates nothing.
///
/// Each row of `a` is read in quads up to `right.paddedDepth` bytes (`lda` at least that): the bytes
/// past `depth` meet zero weights, so they may hold anything. With AVX512_VNNI (see
/// `Int8GEMMKernels`) full 6-row blocks run the 6×16 `vpdpbusd` kernel and the last rows the
/// single-row ones; elsewhere `gemmU8S8Reference` computes the same sums.
public func gemmU8S8(rows: Int, a: UnsafePointer<UInt8>, lda: Int, zeroPoint: Int32, right: PackedRightS8x4,
                     c: UnsafeMutablePointer<Int32>, ldc: Int) {
    precondition(rows >= 0 && lda >= right.paddedDepth && ldc >= right.columns,
                 "gemmU8S8: \(rows) rows, lda \(lda) for depth \(right.depth), ldc \(ldc) for \(right.columns) columns")
#if arch(x86_64)
    if Int8GEMMKernels.avx512VNNIIsSupported {
        gemmU8S8AVX512VNNI(rows: rows, a: a, lda: lda, zeroPoint: zeroPoint, right: right, c: c, ldc: ldc)
        return
    }
#endif
    gemmU8S8Reference(rows: rows, a: a, lda: lda, zeroPoint: zeroPoint, right: right, c: c, ldc: ldc)
}

/// Scalar reference of `gemmU8S8`, reading the packed weights element by element.
public func gemmU8S8Reference(rows: Int, a: UnsafePointer<UInt8>, lda: Int, zeroPoint: Int32, right: PackedRightS8x4,
                              c: UnsafeMutablePointer<Int32>, ldc: Int) {
    for i in 0..<rows {
        for j in 0..<right.columns {
            var sum: Int32 = 0
            for p in 0..<right.depth { sum += (Int32(a[i * lda + p]) - zeroPoint) * Int32(right.element(p, j)) }
            c[i * ldc + j] = sum
        }
    }
}

#if arch(x86_64)
private func gemmU8S8AVX512VNNI(rows: Int, a: UnsafePointer<UInt8>, lda: Int, zeroPoint: Int32,
                                right: PackedRightS8x4, c: UnsafeMutablePointer<Int32>, ldc: Int) {
    let tile = PackedRightS8x4.columnTile, quads = right.depthQuads, panelStride = quads * tile * 4
    let fullPanels = right.columns / tile
    var row = 0
    while row + 6 <= rows {
        for panel in 0..<right.panels {
            let b = right.storage + panel * panelStride, sums = right.columnSums + panel * tile
            let out = c + row * ldc + panel * tile
            if panel < fullPanels {
                gemmU8S8_6x16_avx512vnni(depthQuads: quads, a: a + row * lda, lda: lda, b: b, columnSums: sums,
                                         zeroPoint: zeroPoint, c: out, ldc: ldc)
            } else {
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 6 * tile) { scratch in
                    let t = scratch.baseAddress!
                    gemmU8S8_6x16_avx512vnni(depthQuads: quads, a: a + row * lda, lda: lda, b: b, columnSums: sums,
                                             zeroPoint: zeroPoint, c: t, ldc: tile)
                    let width = right.columns - panel * tile
                    for i in 0..<6 { (out + i * ldc).update(from: t + i * tile, count: width) }
                }
            }
        }
        row += 6
    }
    for r in row..<rows {
        let x = a + r * lda, out = c + r * ldc
        var panel = 0
        while panel + 4 <= fullPanels {
            gemmU8S8_1x64_avx512vnni(depthQuads: quads, a: x, b: right.storage + panel * panelStride,
                                     panelStride: panelStride, columnSums: right.columnSums + panel * tile,
                                     zeroPoint: zeroPoint, c: out + panel * tile)
            panel += 4
        }
        while panel < right.panels {
            let b = right.storage + panel * panelStride, sums = right.columnSums + panel * tile
            if panel < fullPanels {
                gemmU8S8_1x16_avx512vnni(depthQuads: quads, a: x, b: b, columnSums: sums, zeroPoint: zeroPoint,
                                         c: out + panel * tile)
            } else {
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: tile) { scratch in
                    gemmU8S8_1x16_avx512vnni(depthQuads: quads, a: x, b: b, columnSums: sums, zeroPoint: zeroPoint,
                                             c: scratch.baseAddress!)
                    (out + panel * tile).update(from: scratch.baseAddress!, count: right.columns - panel * tile)
                }
            }
            panel += 1
        }
    }
}
#endif
