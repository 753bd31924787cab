/// Scalar reference for single-precision GEMM: `C[m×n] = A[m×k] · B[k×n] (+ C if accumulate)`,
/// all row-major with explicit leading dimensions. The oracle the SIMD kernels are tested against.
public func gemmF32Reference(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool = false
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = accumulate ? c[i * ldc + j] : 0
            for p in 0..<k { sum += a[i * lda + p] * b[p * ldb + j] }
            c[i * ldc + j] = sum
        }
    }
}
