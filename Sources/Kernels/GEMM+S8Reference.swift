/// Scalar reference for the int8 GEMM: `C[m×n] = (A[m×k] − aZeroPoint) · B[k×n]` in Int32,
/// A unsigned activations, B signed weights, all row-major. The oracle `gemmS8` must equal
/// bit for bit.
public func gemmS8Reference(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<UInt8>, lda: Int, aZeroPoint: Int32,
    b: UnsafePointer<Int8>, ldb: Int,
    c: UnsafeMutablePointer<Int32>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Int32 = 0
            for p in 0..<k { sum += (Int32(a[i * lda + p]) - aZeroPoint) * Int32(b[p * ldb + j]) }
            c[i * ldc + j] = sum
        }
    }
}
