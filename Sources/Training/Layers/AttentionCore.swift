import Kernels
import Foundation

/// Scaled dot-product attention of every head over `[T, D]` q, k, v (head j owns columns
/// j·dh ..< (j+1)·dh); keeps the probabilities for backward.
final class AttentionCore {
    let tokens: Int, width: Int, heads: Int
    var headWidth: Int { width / heads }
    let context: FloatBuffer
    let dq: FloatBuffer, dk: FloatBuffer, dv: FloatBuffer
    private let probabilities: FloatBuffer, scores: FloatBuffer, transposed: FloatBuffer

    init(tokens: Int, width: Int, heads: Int, capacity: Int) {
        self.tokens = tokens; self.width = width; self.heads = heads
        let size = capacity * tokens * width
        context = FloatBuffer(count: size)
        dq = FloatBuffer(count: size); dk = FloatBuffer(count: size); dv = FloatBuffer(count: size)
        probabilities = FloatBuffer(count: capacity * heads * tokens * tokens)
        scores = FloatBuffer(count: tokens * tokens)
        transposed = FloatBuffer(count: tokens * width / heads)
    }

    /// `dst[dh × T]` = the head's `[T × dh]` column block of a `[T, D]` matrix, transposed.
    private func transposeHead(_ src: UnsafePointer<Float>) {
        let dh = headWidth, dst = transposed.pointer
        for t in 0..<tokens { for j in 0..<dh { dst[j * tokens + t] = src[t * width + j] } }
    }

    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, batch: Int) {
        let t = tokens, d = width, dh = headWidth
        let scale = 1 / Float(dh).squareRoot()
        for n in 0..<batch {
            for head in 0..<heads {
                let offset = n * t * d + head * dh
                let p = probabilities.pointer + (n * heads + head) * t * t
                transposeHead(k + offset)
                gemmStridedF32(m: t, n: t, k: dh, a: q + offset, rowStride: d, colStride: 1,
                               b: transposed.pointer, ldb: t, c: p, ldc: t, accumulate: false)
                for r in 0..<t {
                    let row = p + r * t
                    var best = -Float.infinity
                    for j in 0..<t { row[j] *= scale; best = max(best, row[j]) }
                    var sum: Float = 0
                    for j in 0..<t { row[j] = exp(row[j] - best); sum += row[j] }
                    let inverse = 1 / sum
                    for j in 0..<t { row[j] *= inverse }
                }
                gemmStridedF32(m: t, n: dh, k: t, a: p, rowStride: t, colStride: 1,
                               b: v + offset, ldb: d, c: context.pointer + offset, ldc: d, accumulate: false)
            }
        }
    }

    /// From the context gradient `dctx`, writes `dq`, `dk`, `dv`.
    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                  dctx: UnsafePointer<Float>, batch: Int) {
        let t = tokens, d = width, dh = headWidth
        let scale = 1 / Float(dh).squareRoot()
        let ds = scores.pointer
        for n in 0..<batch {
            for head in 0..<heads {
                let offset = n * t * d + head * dh
                let p = probabilities.pointer + (n * heads + head) * t * t
                transposeHead(v + offset)
                gemmStridedF32(m: t, n: t, k: dh, a: dctx + offset, rowStride: d, colStride: 1,
                               b: transposed.pointer, ldb: t, c: ds, ldc: t, accumulate: false)
                gemmStridedF32(m: t, n: dh, k: t, a: p, rowStride: 1, colStride: t,
                               b: dctx + offset, ldb: d, c: dv.pointer + offset, ldc: d, accumulate: false)
                for r in 0..<t {
                    let row = ds + r * t, prow = p + r * t
                    var dot: Float = 0
                    for j in 0..<t { dot += row[j] * prow[j] }
                    for j in 0..<t { row[j] = prow[j] * (row[j] - dot) * scale }
                }
                gemmStridedF32(m: t, n: dh, k: t, a: ds, rowStride: t, colStride: 1,
                               b: k + offset, ldb: d, c: dq.pointer + offset, ldc: d, accumulate: false)
                gemmStridedF32(m: t, n: dh, k: t, a: ds, rowStride: 1, colStride: t,
                               b: q + offset, ldb: d, c: dk.pointer + offset, ldc: d, accumulate: false)
            }
        }
    }
}
