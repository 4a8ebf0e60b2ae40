extension Transform {
    /// AlexNet's "fancy PCA" lighting (Krizhevsky et al. 2012, section 4.1): for each image,
    /// `alpha[i]` is drawn from N(0, sigma) for every principal component `i`, and channel `c`
    /// is shifted by `Σ_i eigenvectors[i][c] × alpha[i] × eigenvalues[i] / 255` levels.
    ///
    /// Scale: fb.resnet.torch and timm apply `Σ v α λ'` to values on the 0-1 scale, with λ' the
    /// eigenvalues of the dataset's 0-1 covariance. Here eigenvalues are those of the 0-255
    /// covariance (`augment stats`), λ = 255² λ', so the shift in levels is
    /// 255 × Σ v α λ' = Σ v α λ / 255: the same augmentation. (albumentations' `FancyPCA`
    /// differs: it computes the components of each image itself, and truncates when it
    /// converts back to 8 bits, where this rounds.)
    ///
    /// Eigenvectors are rows (`eigenvectors[i]` belongs to `eigenvalues[i]`), as `augment stats`
    /// writes them; k components of k values each. An image with k channels is shifted in every
    /// channel; one with k + 1 channels that has alpha (2 or 4) keeps its alpha as it is.
    public struct PCALighting: Sendable, Hashable {
        /// The standard deviation of every alpha (default 0.1, as AlexNet), at least 0.
        public var sigma: Parameter<Double>
        /// On the 0-255 scale.
        public var eigenvalues: [Double]
        /// Rows: `eigenvectors[i]` is the eigenvector of `eigenvalues[i]`.
        public var eigenvectors: [[Double]]

        public static let defaultSigma = 0.1

        /// The ImageNet figures of fb.resnet.torch (`eigval` [0.2175, 0.0188, 0.0045] on the 0-1
        /// scale, here × 255²), as timm and many PyTorch scripts copy them.
        public static let imageNetEigenvalues = [0.2175, 0.0188, 0.0045].map { $0 * 255 * 255 }
        /// fb.resnet.torch's `eigvec`, whose columns are the eigenvectors, transposed to rows
        /// (signs as published).
        public static let imageNetEigenvectors = [[-0.5675, -0.5808, -0.5836],
                                                  [0.7192, -0.0045, -0.6948],
                                                  [0.4009, -0.8140, 0.4203]]

        public init(sigma: Parameter<Double> = .fixed(defaultSigma), eigenvalues: [Double] = imageNetEigenvalues,
                    eigenvectors: [[Double]] = imageNetEigenvectors) {
            precondition(sigma.lowerBound >= 0, "sigma must not be negative")
            precondition(eigenvectors.count == eigenvalues.count && eigenvectors.allSatisfy { $0.count == eigenvalues.count },
                         "k eigenvalues need k eigenvectors of k values")
            self.sigma = sigma
            self.eigenvalues = eigenvalues
            self.eigenvectors = eigenvectors
        }
    }

    /// albumentations' `Normalize`: every value `v` of channel `c` becomes the float
    /// `(v − mean[c] × maxPixelValue) / (std[c] × maxPixelValue)`. The defaults are ImageNet's
    /// (on the 0-1 scale, so `maxPixelValue` 255); `augment stats` figures, on the 0-255
    /// scale, go with `maxPixelValue` 1. PNG cannot hold the result: `augment run` refuses it.
    public struct Normalization: Sendable, Hashable {
        /// One value for every channel, or one per channel.
        public var mean: [Double]
        /// One positive value for every channel, or one per channel.
        public var std: [Double]
        public var maxPixelValue: Double

        public static let imageNetMean = [0.485, 0.456, 0.406]
        public static let imageNetStd = [0.229, 0.224, 0.225]

        public init(mean: [Double] = imageNetMean, std: [Double] = imageNetStd, maxPixelValue: Double = 255) {
            precondition(std.allSatisfy { $0 > 0 } && maxPixelValue > 0, "std and max_pixel_value must be positive")
            self.mean = mean
            self.std = std
            self.maxPixelValue = maxPixelValue
        }
    }
}

extension Transform {
    /// `pca_lighting`'s keys: `sigma` (default 0.1), and `eigenvalues` with `eigenvectors`
    /// (both, or neither for ImageNet's).
    static func readPCALighting(_ keys: TransformKeyReader) throws(PipelineFileError) -> PCALighting {
        let sigma = try keys.realParameter("sigma", default: .fixed(PCALighting.defaultSigma),
                                           allowed: "non-negative", isAllowed: { $0 >= 0 })
        switch (keys.value("eigenvalues"), keys.value("eigenvectors")) {
        case (nil, nil):
            return PCALighting(sigma: sigma)
        case (_?, nil):
            throw PipelineFileError(.missingKey, location: keys.location, key: "eigenvectors",
                                    expected: "one eigenvector (a list of numbers) per eigenvalue, with eigenvalues")
        case (nil, _?):
            throw PipelineFileError(.missingKey, location: keys.location, key: "eigenvalues",
                                    expected: "a list of eigenvalues (0-255 scale), with eigenvectors")
        case (_?, _?):
            let values = try keys.numberList("eigenvalues", allowed: "non-negative", isAllowed: { $0 >= 0 })
            let vectors = try keys.numberMatrix("eigenvectors", size: values.count)
            return PCALighting(sigma: sigma, eigenvalues: values, eigenvectors: vectors)
        }
    }

    /// `normalize`'s keys: `mean`, `std` (positive) and `max_pixel_value` (positive, default 255).
    static func readNormalization(_ keys: TransformKeyReader) throws(PipelineFileError) -> Normalization {
        let mean = try keys.channelValues("mean", default: Normalization.imageNetMean)
        let std = try keys.channelValues("std", default: Normalization.imageNetStd, allowed: "positive",
                                         isAllowed: { $0 > 0 })
        if mean.count > 1 && std.count > 1 && mean.count != std.count {
            throw PipelineFileError(.outOfRange, location: keys.location, key: "std",
                                    expected: "as many values as mean (\(mean.count)), or one",
                                    found: "\(std.count)")
        }
        let expected = "a positive number"
        var maxPixelValue = 255.0
        if let value = keys.value("max_pixel_value") {
            guard case .number = value else { throw keys.wrongType("max_pixel_value", expected, value) }
            guard let number = value.double, number > 0 else { throw keys.outOfRange("max_pixel_value", expected, value) }
            maxPixelValue = number
        }
        return Normalization(mean: mean, std: std, maxPixelValue: maxPixelValue)
    }
}
