extension DrawnTransform {
    /// The per-channel shift of a `pca_lighting` record (inside `one_of` too), or nil.
    var channelShift: [Double]? {
        switch self {
        case .pcaLighting(let shift): shift
        case .oneOf(_, let transform): transform.channelShift
        default: nil
        }
    }
}

extension [DrawnTransform] {
    /// Applies the records in order: each run of geometric operations fused into as few
    /// resampling passes as `Geometry.apply(_:to:)` allows, and each pixel-value record
    /// (`pca_lighting`'s shift, `Photometric.shift(_:by:)`) between the runs it separates. With
    /// no pixel-value record, exactly `Geometry.apply(operations, to:)`.
    ///
    /// - Complexity: O(output pixels) per pass and per pixel-value record.
    /// - Throws: `GeometryError` as `Geometry.apply(_:to:)`, and for `normalize`, whose float
    ///   values an `Image` cannot hold (`Photometric.normalize(_:mean:std:maxPixelValue:)` is the kernel).
    public func apply(to image: Image) throws(GeometryError) -> Image {
        var image = image
        var pending: [GeometricOp] = []
        for record in self {
            if case .normalize = record {
                throw .invalidParameter("normalize makes float values, which an 8-bit image (or PNG) cannot hold")
            }
            if let shift = record.channelShift {
                image = try Geometry.apply(pending, to: image)
                pending.removeAll()
                image = Photometric.shift(image, by: shift)
            } else {
                pending += record.operations
            }
        }
        return try Geometry.apply(pending, to: image)
    }
}
