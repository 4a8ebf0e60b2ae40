/// The eigenvalues and eigenvectors of a small real symmetric matrix (a channel covariance,
/// at most 4 × 4), by the cyclic Jacobi method in double precision: no LAPACK needed, and
/// accurate to a few units in the last place of the matrix's norm.
///
/// Conventions: eigenvalues in descending order; `vectors[i]` is the unit eigenvector of
/// `values[i]` (rows, not columns); each vector's sign is fixed so that its component of
/// largest magnitude (the first such, on a tie) is positive, so the same matrix always gives
/// the same vectors.
public struct SymmetricEigen: Sendable, Equatable {
    public let values: [Double]
    public let vectors: [[Double]]

    /// Decomposes `matrix` (n × n, rows; only its symmetric part is used, `(A + Aᵀ) / 2`).
    ///
    /// - Complexity: O(n³) per sweep, and a handful of sweeps (Jacobi converges quadratically);
    ///   at most 64 sweeps.
    public init(_ matrix: [[Double]]) {
        let n = matrix.count
        precondition(matrix.allSatisfy { $0.count == n }, "the matrix must be square")
        var a = (0..<n).map { i in (0..<n).map { j in (matrix[i][j] + matrix[j][i]) / 2 } }
        // Columns of v are the eigenvectors as the rotations accumulate.
        var v = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<64 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += a[p][q] * a[p][q] } }
            if off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<n where a[p][q] != 0 {
                    // Negligible beside both diagonal entries (Numerical Recipes' test): zero it
                    // without rotating, so that the sweeps end with an exactly diagonal matrix.
                    let g = 100 * abs(a[p][q])
                    if abs(a[p][p]) + g == abs(a[p][p]) && abs(a[q][q]) + g == abs(a[q][q]) {
                        a[p][q] = 0
                        a[q][p] = 0
                        continue
                    }
                    // The rotation that zeroes a[p][q] (Golub and Van Loan, Algorithm 8.5.1),
                    // with the smaller root for t, so that |angle| <= π/4 and the sweep converges.
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let (akp, akq) = (a[k][p], a[k][q])
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let (apk, aqk) = (a[p][k], a[q][k])
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    a[p][q] = 0
                    a[q][p] = 0
                    for k in 0..<n {
                        let (vkp, vkq) = (v[k][p], v[k][q])
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        // Descending; ties keep their index order, so the result is deterministic.
        let diagonal: [Double] = (0..<n).map { a[$0][$0] }
        let order = (0..<n).sorted { (i: Int, j: Int) -> Bool in
            diagonal[i] > diagonal[j] || (diagonal[i] == diagonal[j] && i < j)
        }
        values = order.map { diagonal[$0] }
        vectors = order.map { column in
            let vector = (0..<n).map { v[$0][column] }
            var largest = 0
            for index in vector.indices where abs(vector[index]) > abs(vector[largest]) { largest = index }
            return vector[largest] < 0 ? vector.map { -$0 } : vector
        }
    }
}
