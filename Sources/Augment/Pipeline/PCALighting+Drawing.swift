extension Transform.PCALighting {
    /// Draws the shift for an image of `channels` channels: `sigma` (when a range), then
    /// `alpha[i] = sigma × N(0, 1)` for each component in order (`SplitMix64.standardNormal()`),
    /// then `shift[c] = Σ_i eigenvectors[i][c] × alpha[i] × eigenvalues[i] / 255`, summed in
    /// order of `i`. With sigma 0 every shift is 0 (the draws are still made).
    ///
    /// - Complexity: O(k²) for k components.
    /// - Throws: `GeometryError` when the image has neither k channels nor k + 1 with alpha,
    ///   or the shift is not finite (absurd eigenvalues).
    func draw(using generator: inout SplitMix64, channels: Int) throws(GeometryError) -> DrawnTransform {
        let k = eigenvalues.count
        guard channels == k || (channels == k + 1 && (channels == 2 || channels == 4)) else {
            throw .invalidParameter("pca_lighting has eigenvectors of \(k) value\(k == 1 ? "" : "s") but the image has "
                + "\(channels) channel\(channels == 1 ? "" : "s"); convert the images (--channels) or give "
                + "eigenvalues and eigenvectors of \(channels) values")
        }
        let sigma = sigma.draw(using: &generator)
        var alphas: [Double] = []
        for _ in 0..<k { alphas.append(sigma * generator.standardNormal()) }
        var shift = [Double](repeating: 0, count: k)
        for channel in 0..<k {
            for i in 0..<k {
                let term: Double = eigenvectors[i][channel] * alphas[i] * eigenvalues[i] / 255
                shift[channel] += term
            }
        }
        guard shift.allSatisfy({ $0.isFinite }) else {
            throw .invalidParameter("pca_lighting's shift is not finite: the eigenvalues are too large")
        }
        return .pcaLighting(shift: shift)
    }
}

extension Transform.Normalization {
    /// The record of a normalisation for an image of `channels` channels: nothing is random,
    /// but `mean` and `std` must suit the image.
    ///
    /// - Throws: `GeometryError` when `mean` or `std` has neither 1 nor `channels` values.
    func draw(channels: Int) throws(GeometryError) -> DrawnTransform {
        for (key, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != channels {
            throw .invalidParameter("normalize has \(values.count) \(key) values but the image has \(channels) "
                + "channel\(channels == 1 ? "" : "s"); give one value, or one per channel")
        }
        return .normalize(mean: mean, std: std, maxPixelValue: maxPixelValue)
    }
}
