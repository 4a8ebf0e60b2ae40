extension Pipeline {
    /// The size every output has, whatever the input's size and whatever is drawn, or nil when
    /// it can vary (see `outputSizeProblem` for why). Training batches need one size.
    ///
    /// Found by walking the transforms with a size that is either known or unknown (the input's
    /// is unknown): `resize`, `crop`, `center_crop`, `random_crop` and `random_resized_crop` with
    /// a fixed width and height set it; flips, `rotate`, `zoom`, `pca_lighting` and `normalize`
    /// keep it; `transpose` swaps it; `rotate90` swaps or keeps it with a fixed `k` and keeps a
    /// square one whatever `k`; `one_of` gives a size only when every child that can be chosen
    /// gives the same one. A transform applied with probability below 1 gives a known size only
    /// when applying it leaves the size as it was. Conservative: a size this calls variable may
    /// still be fixed in practice (a crop that only fits one input size), never the reverse.
    ///
    /// - Complexity: O(transforms, children included).
    public var fixedOutputSize: Size? {
        if case .known(let size) = Self.outputSize(of: transforms) { return size }
        return nil
    }

    /// Why the output size is not fixed, as one sentence for an error message, or nil when it
    /// is: `the pipeline must end in a fixed output size, e.g. random_resized_crop or resize:
    /// transforms[2] (rotate90) with k in [0, 3] on a non-square size`.
    ///
    /// - Complexity: O(transforms, children included).
    public var outputSizeProblem: String? {
        guard case .unknown(let reason) = Self.outputSize(of: transforms) else { return nil }
        return "the pipeline must end in a fixed output size, e.g. random_resized_crop or resize: \(reason)"
    }

    /// A size during the walk: known, or unknown with the reason.
    enum SymbolicSize: Equatable {
        case known(Size)
        case unknown(String)
    }

    static func outputSize(of transforms: [Transform]) -> SymbolicSize {
        var size = SymbolicSize.unknown("no transform sets the size, so each output keeps its input's size")
        for (index, transform) in transforms.enumerated() {
            let location = "transforms[\(index)] (\(transform.operation.name))"
            size = outputSize(of: transform, from: size, location: location)
        }
        return size
    }

    /// The size after `transform`, with its coin toss: below 1, the size is known only when the
    /// transform does not change it (both outcomes agree).
    static func outputSize(of transform: Transform, from input: SymbolicSize, location: String) -> SymbolicSize {
        if transform.probability == 0 { return input }
        let applied = outputSize(of: transform.operation, from: input, location: location)
        guard transform.probability < 1 else { return applied }
        switch (input, applied) {
        case (.known(let before), .known(let after)) where before == after:
            return applied
        case (_, .unknown):
            return applied
        default:
            return .unknown("\(location) with p \(transform.probability) changes the size only when it is applied")
        }
    }

    /// The size after `operation` when it is applied.
    static func outputSize(of operation: Transform.Operation, from input: SymbolicSize,
                           location: String) -> SymbolicSize {
        func set(_ width: Parameter<Int>, _ height: Parameter<Int>) -> SymbolicSize {
            guard let w = width.single, let h = height.single else {
                let which = width.single == nil ? ("width", width) : ("height", height)
                return .unknown("\(location) with \(which.0) in [\(which.1.lowerBound), \(which.1.upperBound)]")
            }
            return .known(Size(width: w, height: h))
        }
        func swapped(_ size: SymbolicSize) -> SymbolicSize {
            guard case .known(let known) = size else { return size }
            return .known(Size(width: known.height, height: known.width))
        }
        switch operation {
        case .hflip, .vflip, .rotate, .zoom, .pcaLighting, .normalize:
            return input
        case .transpose:
            return swapped(input)
        case .rotate90(let quarterTurns):
            if let k = quarterTurns.single { return k & 1 == 0 ? input : swapped(input) }
            guard case .known(let size) = input else { return input }
            if size.width == size.height { return input }
            return .unknown("\(location) with k in [\(quarterTurns.lowerBound), \(quarterTurns.upperBound)] on a non-square size (\(size))")
        case .crop(_, _, let width, let height), .centerCrop(let width, let height),
             .resize(let width, let height, _), .randomCrop(let width, let height):
            return set(width, height)
        case .randomResizedCrop(let settings):
            return set(settings.width, settings.height)
        case .oneOf(let children):
            // The weight is not a coin toss here: one child with a positive weight is always applied.
            var sizes: [SymbolicSize] = []
            for (index, child) in children.enumerated() where child.probability > 0 {
                let childLocation = "\(location).transforms[\(index)] (\(child.operation.name))"
                let size = outputSize(of: child.operation, from: input, location: childLocation)
                if case .unknown = size { return size }
                if !sizes.contains(size) { sizes.append(size) }
            }
            guard sizes.count > 1 else { return sizes.first ?? input }
            let listed = sizes.compactMap { if case .known(let size) = $0 { "\(size)" } else { nil } }
            return .unknown("\(location) whose children give different sizes (\(listed.joined(separator: ", ")))")
        }
    }
}

extension Parameter {
    /// The parameter's only possible value: a fixed one, or a range of one value.
    var single: Value? { lowerBound == upperBound ? lowerBound : nil }
}
