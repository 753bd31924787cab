import Kernels
import Testing

/// The optimized FP32 GEMM (packed 6×16 and one-row kernels, epilogues) against the scalar
/// reference on sizes that leave partial tiles in every direction.
@Suite struct GEMMF32Tests {
    /// Error bound for a k-term float dot product with inputs in [-1, 1].
    static func tolerance(k: Int) -> Float { Float(k + 1) * 1e-6 }

    @Test(arguments: awkwardSizes, awkwardSizes)
    func unpackedGEMMMatchesReference(m: Int, n: Int) {
        var data = TestData(seed: UInt64(m * 100 + n))
        for k in awkwardSizes + [300] {
            let a = data.floats(m * k), b = data.floats(k * n), start = data.floats(m * n)
            for accumulate in [false, true] {
                var expected = start, actual = start
                gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &expected, ldc: n, accumulate: accumulate)
                gemmF32(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &actual, ldc: n, accumulate: accumulate)
                #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k), "m \(m) n \(n) k \(k) acc \(accumulate)")
            }
        }
    }

    @Test func leadingDimensionsLargerThanTheMatrixAreRespected() {
        var data = TestData(seed: 9)
        let (m, n, k, lda, ldb, ldc) = (13, 19, 21, 25, 23, 31)
        let a = data.floats(m * lda), b = data.floats(k * ldb)
        var expected = [Float](repeating: 7, count: m * ldc), actual = expected
        gemmF32Reference(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &expected, ldc: ldc)
        gemmF32(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &actual, ldc: ldc)
        #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k))
        // Columns beyond n in each row of C are untouched.
        #expect((0..<m).allSatisfy { i in (n..<ldc).allSatisfy { actual[i * ldc + $0] == 7 } })
    }

    @Test(arguments: [1, 2, 5, 6, 7, 8, 14, 17, 28, 33, 49])
    func prepackedWeightsWithFusedBiasAndActivationMatchReference(m: Int) {
        var data = TestData(seed: UInt64(m))
        for (n, k) in [(1, 1), (10, 64), (17, 33), (64, 288), (33, 7)] {
            let a = data.floats(m * k), w = data.floats(k * n), bias = data.floats(n)
            var packed = [Float](repeating: .nan, count: gemmF32PackedBSize(k: k, n: n))
            packBF32(k: k, n: n, b: w, rowStride: n, columnStride: 1, into: &packed)
            for activation in [ActivationF32.none, .relu, .gelu] {
                var expected = [Float](repeating: 0, count: m * n)
                gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: w, ldb: n, c: &expected, ldc: n)
                for i in 0..<m * n { expected[i] = activationF32Reference(activation, expected[i] + bias[i % n]) }
                var actual = [Float](repeating: .nan, count: m * n)
                bias.withUnsafeBufferPointer { biasPointer in
                    gemmF32(m: m, n: n, k: k, a: a, lda: k, packedB: packed, c: &actual, ldc: n,
                            epilogue: GEMMF32Epilogue(columnBias: biasPointer.baseAddress, activation: activation))
                }
                #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k) + 1e-6, "m \(m) n \(n) k \(k) \(activation)")
            }
        }
    }

    @Test func bothOperandsPackedWithRowBiasAndTransposedSources() {
        var data = TestData(seed: 3)
        let (m, n, k) = (17, 33, 29)
        let aT = data.floats(k * m), bT = data.floats(n * k), bias = data.floats(m)  // A and B stored transposed
        var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
        for i in 0..<m { for p in 0..<k { a[i * k + p] = aT[p * m + i] } }
        for p in 0..<k { for j in 0..<n { b[p * n + j] = bT[j * k + p] } }
        var expected = [Float](repeating: 0, count: m * n)
        gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &expected, ldc: n)
        for i in 0..<m * n { expected[i] = max(0, expected[i] + bias[i / n]) }
        var packedA = [Float](repeating: 0, count: gemmF32PackedASize(m: m, k: k))
        var packedB = [Float](repeating: 0, count: gemmF32PackedBSize(k: k, n: n))
        packAF32(m: m, k: k, a: aT, rowStride: 1, columnStride: m, into: &packedA)
        packBF32(k: k, n: n, b: bT, rowStride: 1, columnStride: k, into: &packedB)
        var actual = [Float](repeating: 0, count: m * n)
        bias.withUnsafeBufferPointer { rowBias in
            gemmF32Packed(m: m, n: n, k: k, packedA: packedA, packedB: packedB, c: &actual, ldc: n,
                          epilogue: GEMMF32Epilogue(rowBias: rowBias.baseAddress, activation: .relu))
        }
        #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k))
    }

    /// A residual addend in the epilogue gives the bits of the GEMM followed by a separate add,
    /// on every path (one-row kernel, 6×16 tiles, the one-row tail, edge columns).
    @Test(arguments: [1, 2, 7, 13, 17])
    func addendInTheEpilogueEqualsASeparateAdd(m: Int) {
        var data = TestData(seed: UInt64(m) + 500)
        let (n, k) = (37, 29), addendStride = n + 3
        let a = data.floats(m * k), w = data.floats(k * n), bias = data.floats(n), addend = data.floats(m * addendStride)
        var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: k, n: n))
        packBF32(k: k, n: n, b: w, rowStride: n, columnStride: 1, into: &packed)
        var separate = [Float](repeating: 0, count: m * n), fused = separate
        bias.withUnsafeBufferPointer { bias in
            addend.withUnsafeBufferPointer { addend in
                gemmF32(m: m, n: n, k: k, a: a, lda: k, packedB: packed, c: &separate, ldc: n,
                        epilogue: GEMMF32Epilogue(columnBias: bias.baseAddress))
                for i in 0..<m { for j in 0..<n { separate[i * n + j] = addend[i * addendStride + j] + separate[i * n + j] } }
                gemmF32(m: m, n: n, k: k, a: a, lda: k, packedB: packed, c: &fused, ldc: n,
                        epilogue: GEMMF32Epilogue(columnBias: bias.baseAddress, addend: addend.baseAddress,
                                                  addendStride: addendStride))
            }
        }
        #expect(fused == separate)
    }

    /// The one-row kernel for the last rows (m = 6t + 1 or 6t + 2) against the reference, with
    /// panels at a stride other than the packed layout's and up to four panels per call.
    @Test(arguments: [1, 3, 7, 16, 17, 33, 48, 49, 64], [1, 3, 17, 33])
    func oneRowKernelOverSeveralPanelsMatchesReference(columns: Int, k: Int) {
        var data = TestData(seed: UInt64(columns * 100 + k))
        let panels = (columns + 15) / 16, ldb = 16 * panels + 3
        let a = data.floats(k), b = data.floats(k * ldb), bias = data.floats(columns)
        let start = data.floats(columns + 5)
        for accumulate in [false, true] {
            var expected = [Float](repeating: 0, count: columns)
            for j in 0..<columns {
                var sum = accumulate ? start[j] : 0
                for p in 0..<k { sum += a[p] * b[p * ldb + j] }
                expected[j] = activationF32Reference(.gelu, sum + bias[j])
            }
            var actual = start
            bias.withUnsafeBufferPointer { bias in
                // Panels 16 floats apart within one row of B: the layout attention uses for kᵀ.
                gemmF32_1x64_rowsA(k: k, a: a, b: b, ldb: ldb, panelStride: 16, c: &actual, row: 0, column: 0,
                                   columns: columns, accumulate: accumulate,
                                   epilogue: GEMMF32Epilogue(columnBias: bias.baseAddress, activation: .gelu))
            }
            #expect(maxAbsDifference(Array(actual[0..<columns]), expected) <= Self.tolerance(k: k) + 1e-6)
            #expect(actual[columns...] == start[columns...], "columns past the end are untouched")
        }
    }

    /// The 5×16 tile against the reference for every row count it takes (the rows past `rows`
    /// alias the last valid one) and full or edge columns; rows and columns past the tile are untouched.
    @Test(arguments: [1, 2, 3, 4, 5], [16, 9, 1])
    func fiveRowTileMatchesReference(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 100 + columns) + 900)
        let (k, lda, ldb, ldc) = (33, 37, 19, 21)
        let a = data.floats(rows * lda), b = data.floats(k * ldb), bias = data.floats(16), start = data.floats(6 * ldc)
        for accumulate in [false, true] {
            var expected = start
            for i in 0..<rows {
                for j in 0..<columns {
                    var sum: Float = 0
                    for p in 0..<k { sum += a[i * lda + p] * b[p * ldb + j] }
                    expected[i * ldc + j] = activationF32Reference(.gelu, (accumulate ? start[i * ldc + j] : 0) + sum + bias[j])
                }
            }
            var actual = start
            bias.withUnsafeBufferPointer { bias in
                gemmF32_5x16_rowsA(k: k, a: a, lda: lda, b: b, ldb: ldb, c: &actual, ldc: ldc, row: 0, column: 0,
                                   rows: rows, columns: columns, accumulate: accumulate,
                                   epilogue: GEMMF32Epilogue(columnBias: bias.baseAddress, activation: .gelu))
            }
            #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k) + 1e-6, "accumulate \(accumulate)")
        }
    }

    /// A row's bits do not depend on how many rows the product has: the last rows go through 5×16
    /// tiles (m = 6q + r as q + r − 5 six-row and 6 − r five-row tiles) or, in small products, the
    /// one-row kernel, both in the 6×16 tile's order of operations.
    @Test(arguments: [3, 4, 7, 8, 9, 10, 13, 15, 19, 20, 25, 28, 49, 50, 121])
    func rowResultsDoNotDependOnTheRowCount(m: Int) {
        var data = TestData(seed: UInt64(m))
        let (n, k) = (70, 300), whole = (m + 5) / 6 * 6
        let a = data.floats(whole * k), w = data.floats(k * n), bias = data.floats(n)
        var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: k, n: n))
        packBF32(k: k, n: n, b: w, rowStride: n, columnStride: 1, into: &packed)
        var tiled = [Float](repeating: 0, count: whole * n), mixed = [Float](repeating: 0, count: m * n)
        bias.withUnsafeBufferPointer { bias in
            let epilogue = GEMMF32Epilogue(columnBias: bias.baseAddress, activation: .relu)
            gemmF32(m: whole, n: n, k: k, a: a, lda: k, packedB: packed, c: &tiled, ldc: n, epilogue: epilogue)
            gemmF32(m: m, n: n, k: k, a: a, lda: k, packedB: packed, c: &mixed, ldc: n, epilogue: epilogue)
        }
        #expect(Array(tiled[0..<m * n]) == mixed)
    }

    /// Both operands packed, with depths past one 256-deep block (the second block adds to what the
    /// first stored) and with the caller's accumulation into C.
    @Test(arguments: [1, 7, 17], [3, 33])
    func packedGEMMOverSeveralDepthBlocksMatchesReference(m: Int, n: Int) {
        var data = TestData(seed: UInt64(m * 100 + n) + 700)
        for k in [257, 300] {
            let a = data.floats(m * k), b = data.floats(k * n), start = data.floats(m * n)
            var packedA = [Float](repeating: .nan, count: gemmF32PackedASize(m: m, k: k))
            var packedB = [Float](repeating: .nan, count: gemmF32PackedBSize(k: k, n: n))
            packAF32(m: m, k: k, a: a, rowStride: k, columnStride: 1, into: &packedA)
            packBF32(k: k, n: n, b: b, rowStride: n, columnStride: 1, into: &packedB)
            for accumulate in [false, true] {
                var expected = start, actual = start
                gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &expected, ldc: n, accumulate: accumulate)
                gemmF32Packed(m: m, n: n, k: k, packedA: packedA, packedB: packedB, c: &actual, ldc: n, accumulate: accumulate)
                #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k), "k \(k) accumulate \(accumulate)")
            }
        }
    }

    @Test func depthBeyondOneCacheBlockAccumulatesAcrossBlocks() {
        var data = TestData(seed: 11)
        let (m, n, k) = (7, 17, 600)
        let a = data.floats(m * k), b = data.floats(k * n)
        var expected = [Float](repeating: 0, count: m * n), actual = expected
        gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &expected, ldc: n)
        gemmF32(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &actual, ldc: n)
        #expect(maxAbsDifference(actual, expected) <= Self.tolerance(k: k))
    }
}
