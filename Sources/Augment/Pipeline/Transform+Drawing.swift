extension Transform {
    /// Tosses the transform's coin (`p`), and when it says yes draws the operation's parameters
    /// for an image of `size` and `channels` channels.
    ///
    /// - Parameter location: the transform's place in the pipeline, for error messages.
    /// - Complexity: O(1) draws per transform (O(children) for `one_of`).
    /// - Throws: `TransformDrawError` when the operation does not fit the image.
    public func draw(using generator: inout SplitMix64, size: Size, channels: Int,
                     location: String) throws(TransformDrawError) -> DrawnTransform {
        guard generator.chance(probability) else { return .skipped }
        return try operation.draw(using: &generator, size: size, channels: channels, location: location)
    }
}

extension Transform.Operation {
    /// Draws the parameters of the operation for an image of `size` and `channels` channels,
    /// unconditionally (the coin toss is `Transform`'s). Parameters are drawn in the order they
    /// are declared (`crop`: x, y, width, height), each fixed one without consuming randomness.
    ///
    /// - Complexity: O(1) draws (O(children) for `one_of`; up to 10 attempts for
    ///   `random_resized_crop`).
    /// - Throws: `TransformDrawError` when the operation does not fit the image.
    public func draw(using generator: inout SplitMix64, size: Size, channels: Int,
                     location: String) throws(TransformDrawError) -> DrawnTransform {
        if case .oneOf(let children) = self {
            return try drawOneOf(children, using: &generator, size: size, channels: channels, location: location)
        }
        do throws(GeometryError) {
            switch self {
            case .hflip:
                return .hflip
            case .vflip:
                return .vflip
            case .transpose:
                return .transpose
            case .rotate90(let quarterTurns):
                return .rotate90(quarterTurns: quarterTurns.draw(using: &generator))
            case .rotate(let degrees, let interpolation, let fill):
                try fill.check(channels: channels)
                return .rotate(degrees: degrees.draw(using: &generator), interpolation: interpolation, fill: fill)
            case .zoom(let scale, let interpolation, let fill):
                try fill.check(channels: channels)
                return .zoom(scale: scale.draw(using: &generator), interpolation: interpolation, fill: fill)
            case .crop(let x, let y, let width, let height):
                let (x, y) = (x.draw(using: &generator), y.draw(using: &generator))
                return .crop(x: x, y: y, width: width.draw(using: &generator), height: height.draw(using: &generator))
            case .centerCrop(let width, let height):
                return .centerCrop(width: width.draw(using: &generator), height: height.draw(using: &generator))
            case .resize(let width, let height, let interpolation):
                let width = width.draw(using: &generator)
                return .resize(width: width, height: height.draw(using: &generator), interpolation: interpolation)
            case .randomCrop(let width, let height):
                return try Self.drawRandomCrop(width: width.draw(using: &generator),
                                               height: height.draw(using: &generator),
                                               in: size, using: &generator)
            case .randomResizedCrop(let settings):
                return settings.draw(using: &generator, size: size)
            case .pcaLighting(let settings):
                return try settings.draw(using: &generator, channels: channels)
            case .normalize(let settings):
                return try settings.draw(channels: channels)
            case .oneOf:
                preconditionFailure("one_of is drawn above")
            }
        } catch {
            throw TransformDrawError(location: location, reason: error)
        }
    }

    /// `one_of`: chooses a child by weight, then draws it without its coin toss.
    private func drawOneOf(_ children: [Transform], using generator: inout SplitMix64, size: Size, channels: Int,
                           location: String) throws(TransformDrawError) -> DrawnTransform {
        let chosen = Self.choose(weights: children.map(\.probability), using: &generator)
        let child = children[chosen]
        let drawn = try child.operation.draw(
            using: &generator, size: size, channels: channels,
            location: location + ".transforms[\(chosen)] (\(child.operation.name))")
        return .oneOf(chosen: chosen, transform: drawn)
    }

    /// torchvision's `RandomCrop.get_params`: the top row uniform in [0, H - h], then the left
    /// column uniform in [0, W - w].
    static func drawRandomCrop(width: Int, height: Int, in size: Size,
                               using generator: inout SplitMix64) throws(GeometryError) -> DrawnTransform {
        guard width > 0, height > 0, width <= size.width, height <= size.height else {
            throw .invalidParameter("a random crop of \(width)x\(height) does not fit inside the \(size) image")
        }
        let y = generator.integer(in: 0...(size.height - height))
        let x = generator.integer(in: 0...(size.width - width))
        return .randomCrop(x: x, y: y, width: width, height: height)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, at least one
    /// positive): the first index whose running total exceeds `u × total`. A zero weight is
    /// never chosen, even when rounding puts the draw at the very end.
    ///
    /// - Complexity: O(weights.count); one output consumed.
    static func choose(weights: [Double], using generator: inout SplitMix64) -> Int {
        let total = weights.reduce(0, +)
        let target = generator.unitInterval() * total
        var running = 0.0
        for (index, weight) in weights.enumerated() where weight > 0 {
            running += weight
            if target < running { return index }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }
}
