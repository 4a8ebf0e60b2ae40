import Testing
@testable import Augment

@Suite("OpenBLAS")
struct BLASTests {
    @Test("a 2x3 by 3x2 product, computed by hand")
    func handComputed() {
        let a: [Float] = [1, 2, 3,
                          4, 5, 6]
        let b: [Float] = [7, 8,
                          9, 10,
                          11, 12]
        // [1*7+2*9+3*11, 1*8+2*10+3*12; 4*7+5*9+6*11, 4*8+5*10+6*12]
        #expect(BLAS.multiply(a, b, rows: 2, inner: 3, columns: 2) == [58, 64, 139, 154])
    }

    @Test("agrees with a naive triple loop on a 37x53 by 53x29 product")
    func agreesWithNaive() {
        let (rows, inner, columns) = (37, 53, 29)
        // Small integers keep every float sum exact, so equality is the right test.
        let a = (0..<rows * inner).map { Float(($0 * 7 + 3) % 11) - 5 }
        let b = (0..<inner * columns).map { Float(($0 * 5 + 1) % 13) - 6 }
        var naive = [Float](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                for k in 0..<inner { naive[i * columns + j] += a[i * inner + k] * b[k * columns + j] }
            }
        }
        #expect(BLAS.multiply(a, b, rows: rows, inner: inner, columns: columns) == naive)
    }

    @Test("the thread count can be set to one and back")
    func threadCount() {
        let original = BLAS.threadCount
        defer { BLAS.threadCount = original }
        BLAS.threadCount = 1
        #expect(BLAS.threadCount == 1)
    }
}
