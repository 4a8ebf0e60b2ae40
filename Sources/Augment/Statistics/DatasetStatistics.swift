/// The statistics `augment stats` reports for a dataset, all on the 0-255 scale: the pixel and
/// image counts, each channel's mean and population standard deviation, the population
/// covariance matrix, and its eigenvalues (descending) and eigenvectors (`eigenvectors[i]`
/// belongs to `eigenvalues[i]`; signs as `SymmetricEigen` fixes them). What `--json FILE`
/// writes and `init(parsing:)` reads back, for `normalize` and `pca_lighting`.
public struct DatasetStatistics: Sendable, Equatable {
    /// Pixels.
    public var count: UInt64
    public var images: Int
    public var channels: Int
    public var mean: [Double]
    public var standardDeviation: [Double]
    /// `channels × channels`, rows.
    public var covariance: [[Double]]
    public var eigenvalues: [Double]
    /// `eigenvectors[i]` is the unit eigenvector of `eigenvalues[i]`.
    public var eigenvectors: [[Double]]

    public init(count: UInt64, images: Int, channels: Int, mean: [Double], standardDeviation: [Double],
                covariance: [[Double]], eigenvalues: [Double], eigenvectors: [[Double]]) {
        self.count = count
        self.images = images
        self.channels = channels
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.covariance = covariance
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
    }

    /// The summary of an accumulator that holds at least one pixel.
    ///
    /// - Complexity: O(channels³).
    public init(_ statistics: ChannelStatistics) {
        precondition(statistics.count > 0, "no pixel, no statistics")
        let covariance = statistics.covariance
        let eigen = SymmetricEigen(covariance)
        self.init(count: statistics.count, images: statistics.images, channels: statistics.channels,
                  mean: statistics.mean, standardDeviation: statistics.standardDeviation,
                  covariance: covariance, eigenvalues: eigen.values, eigenvectors: eigen.vectors)
    }
}
