extension DrawnTransform {
    /// True for a `normalize` record, inside `one_of` too.
    public var isNormalize: Bool {
        switch self {
        case .normalize: true
        case .oneOf(_, let transform): transform.isNormalize
        default: false
        }
    }

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
            if record.isNormalize {
                throw .invalidParameter("normalize makes float values, which an 8-bit image (or PNG) cannot hold")
            }
            if let shift = record.channelShift {
                // A manifest may say anything: refuse what the kernel cannot take.
                guard shift.count <= image.channels, shift.allSatisfy({ $0.isFinite }) else {
                    throw .invalidParameter("pca_lighting has \(shift.count) shifts for a \(image.channels)-channel image")
                }
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

extension [DrawnTransform] {
    /// How many leading rows of a source of size `size` `apply(to:)` can read: the bound of
    /// `Geometry.sourceRowsRead(by:from:)` for its first resampling pass (the pixel-value
    /// records change each pixel on its own, so they widen nothing; later passes read only
    /// what the first one made). A decoder may leave the rows below it undecoded.
    ///
    /// - Complexity: O(records).
    public func sourceRowsRead(from size: Size) -> Int {
        var firstRun: [GeometricOp] = []
        for record in self {
            if record.channelShift != nil {
                if !firstRun.isEmpty { break }
            } else {
                firstRun += record.operations
            }
        }
        return Geometry.sourceRowsRead(by: firstRun, from: size)
    }
}
