/// Running sums over the pixels of any number of images with the same channel count: the
/// pixel count, each channel's sum, and the sum of products `XᵀX` (X: one row per pixel, one
/// column per channel, values 0-255), from which the mean, the covariance and the standard
/// deviations follow. Alpha, when present, is a channel like any other.
///
/// Guarantee: the sums are exact integers, so the result does not depend on the order in which
/// images are added, on how they are split between accumulators that are then merged, or on
/// the order in which OpenBLAS adds. `XᵀX` is computed by `cblas_ssyrk` in single precision
/// over blocks of at most 256 pixels: a block's entries are sums of at most
/// 256 × 255² = 16,646,400 < 2^24 integer products, so every partial sum a float holds is an
/// exact integer whatever the order of addition; each block's result is then added into
/// 64-bit integers. Exact up to 2^64 / 255² ≈ 2.8 × 10^14 pixels (over two thousand
/// ImageNets); beyond that the sums overflow and the program stops.
public struct ChannelStatistics: Sendable, Equatable {
    /// Channels per pixel, 1 to 4.
    public let channels: Int
    /// Pixels added.
    public private(set) var count: UInt64 = 0
    /// Images added.
    public private(set) var images: Int = 0
    /// Each channel's sum of values.
    public private(set) var sums: [UInt64]
    /// `XᵀX`, `channels × channels`, row-major (symmetric): entry (i, j) is the sum over
    /// pixels of channel i's value times channel j's.
    public private(set) var products: [UInt64]

    /// Pixels per `cblas_ssyrk` call: the most for which every float sum stays an exact integer.
    public static let blockPixels = 256

    public init(channels: Int) {
        precondition((1...4).contains(channels), "an image has 1 to 4 channels, not \(channels)")
        self.channels = channels
        self.sums = [UInt64](repeating: 0, count: channels)
        self.products = [UInt64](repeating: 0, count: channels * channels)
    }

    /// Adds every pixel of `image`, which must have `channels` channels.
    ///
    /// - Complexity: O(pixels × channels²), in ⌈pixels / 256⌉ BLAS calls; O(1) extra memory.
    public mutating func add(_ image: Image) {
        precondition(image.channels == channels, "a \(image.channels)-channel image added to \(channels)-channel statistics")
        let c = channels
        let pixelCount = image.width * image.height
        var block = [Float](repeating: 0, count: Self.blockPixels * c)
        var gram = [Float](repeating: 0, count: c * c)
        var sums = [UInt64](repeating: 0, count: c)
        var products = [UInt64](repeating: 0, count: c * c)
        image.pixels.withUnsafeBufferPointer { pixels in
            block.withUnsafeMutableBufferPointer { block in
                gram.withUnsafeMutableBufferPointer { gram in
                    var first = 0
                    while first < pixelCount {
                        let rows = min(Self.blockPixels, pixelCount - first)
                        let values = rows * c
                        let start = first * c
                        // Integer sums of a block fit 32 bits easily (256 × 255 × ... per channel).
                        for index in 0..<values { block[index] = Float(pixels[start + index]) }
                        for channel in 0..<c {
                            var sum: UInt32 = 0
                            var index = start + channel
                            while index < start + values { sum &+= UInt32(pixels[index]); index += c }
                            sums[channel] += UInt64(sum)
                        }
                        BLAS.gramUpperTriangle(UnsafeBufferPointer(block), rows: rows, columns: c, into: gram)
                        for i in 0..<c {
                            for j in i..<c { products[i * c + j] += UInt64(gram[i * c + j]) }
                        }
                        first += rows
                    }
                }
            }
        }
        for i in 0..<c {
            for j in 0..<i { products[i * c + j] = products[j * c + i] }
        }
        count += UInt64(pixelCount)
        images += 1
        for index in 0..<c { self.sums[index] += sums[index] }
        for index in 0..<c * c { self.products[index] += products[index] }
    }

    /// Adds another accumulator's sums (of images with the same channel count): the result is
    /// that of adding both accumulators' images to one, exactly.
    ///
    /// - Complexity: O(channels²).
    public mutating func merge(_ other: ChannelStatistics) {
        precondition(other.channels == channels, "merging \(other.channels)-channel statistics into \(channels)-channel ones")
        count += other.count
        images += other.images
        for index in sums.indices { sums[index] += other.sums[index] }
        for index in products.indices { products[index] += other.products[index] }
    }

    /// Each channel's mean value (0-255 scale); NaN when no pixel was added.
    public var mean: [Double] { sums.map { Double($0) / Double(count) } }

    /// The population covariance (divided by the pixel count, as numpy's default `ddof=0`),
    /// `channels × channels`, rows: `(XᵀX − n·mean·meanᵀ) / n`. It is computed as
    /// `(n·XᵀX − S·Sᵀ) / n²` with the exact integer numerator in 128 bits, so there is no
    /// cancellation: each entry is within a few units in the last place of the exact value.
    /// Empty when no pixel was added.
    public var covariance: [[Double]] {
        guard count > 0 else { return [] }
        let n = Int128(count)
        let nSquared = Double(count) * Double(count)
        return (0..<channels).map { i in
            (0..<channels).map { j in
                let numerator = n * Int128(products[i * channels + j]) - Int128(sums[i]) * Int128(sums[j])
                return Double(numerator) / nSquared
            }
        }
    }

    /// Each channel's population standard deviation: the square root of the covariance's diagonal.
    public var standardDeviation: [Double] {
        let covariance = covariance
        return (0..<covariance.count).map { covariance[$0][$0].squareRoot() }
    }
}
