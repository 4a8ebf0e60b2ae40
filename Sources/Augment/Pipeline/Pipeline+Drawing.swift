extension Pipeline {
    /// Draws every transform for one output image: copy `copy` of the image at `path` (relative
    /// to the input folder) under run seed `seed`, whose decoded size is `size` with `channels`
    /// channels.
    ///
    /// Guarantees: the result depends only on (pipeline, seed, path, copy, size, channels): never
    /// on other images, the order of calls, the thread or the executor. Transform `i` draws from
    /// its own stream (`SplitMix64.stream(forTransformAt:)`), and on the size the transforms
    /// before it produce (`GeometricOp.outputSize(from:)`), so that for example
    /// `random_resized_crop` after `center_crop` samples on the cropped size.
    ///
    /// - Complexity: O(transforms) time; no pixel is touched.
    /// - Throws: `TransformDrawError` for a transform that does not fit the image it receives.
    public func draw(seed: UInt64, path: String, copy: Int, size: Size,
                     channels: Int) throws(TransformDrawError) -> [DrawnTransform] {
        try draw(using: SplitMix64(seed: seed, path: path, copy: copy), size: size, channels: channels)
    }

    /// Draws every transform with streams derived from `generator` (see `draw(seed:path:copy:size:channels:)`).
    ///
    /// - Complexity: O(transforms).
    public func draw(using generator: SplitMix64, size: Size,
                     channels: Int) throws(TransformDrawError) -> [DrawnTransform] {
        var size = size
        var drawn: [DrawnTransform] = []
        drawn.reserveCapacity(transforms.count)
        for (index, transform) in transforms.enumerated() {
            var stream = generator.stream(forTransformAt: index)
            let location = "transforms[\(index)] (\(transform.operation.name))"
            let record = try transform.draw(using: &stream, size: size, channels: channels, location: location)
            do {
                for operation in record.operations { size = try operation.outputSize(from: size) }
            } catch {
                throw TransformDrawError(location: location, reason: error)
            }
            drawn.append(record)
        }
        return drawn
    }
}
