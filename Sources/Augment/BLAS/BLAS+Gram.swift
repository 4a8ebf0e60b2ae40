import COpenBLAS

extension BLAS {
    /// Single-precision Gram matrix `AᵀA` of a row-major `rows × columns` matrix `a`, by
    /// `cblas_ssyrk`: the upper triangle of the `columns × columns` result is written to
    /// `result` (row-major); the lower triangle is left as it was.
    ///
    /// - Complexity: O(rows × columns²), spread over `threadCount` threads.
    public static func gramUpperTriangle(_ a: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                                         into result: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= rows * columns && result.count >= columns * columns, "matrix sizes do not match")
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows),
                    1, a.baseAddress, Int32(columns), 0, result.baseAddress, Int32(columns))
    }
}
