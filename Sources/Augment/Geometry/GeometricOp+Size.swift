extension GeometricOp {
    /// The size this operation produces from an image of size `input`.
    ///
    /// - Throws: `GeometryError` for a crop that does not fit, or a zero, negative or
    ///   non-finite size, scale or angle.
    public func outputSize(from input: Size) throws(GeometryError) -> Size {
        switch self {
        case .hflip, .vflip:
            return input
        case .rotate90(let quarterTurns):
            return quarterTurns & 1 == 0 ? input : Size(width: input.height, height: input.width)
        case .transpose:
            return Size(width: input.height, height: input.width)
        case .rotate(let degrees, _, _):
            guard degrees.isFinite else { throw .invalidParameter("the rotation angle must be finite, not \(degrees)") }
            return input
        case .zoom(let scale, _, _):
            guard scale.isFinite, scale > 0 else { throw .invalidParameter("the zoom scale must be positive, not \(scale)") }
            return input
        case .crop(let x, let y, let width, let height):
            guard width > 0, height > 0, x >= 0, y >= 0, x + width <= input.width, y + height <= input.height else {
                throw .regionOutsideImage(x: x, y: y, width: width, height: height, image: input)
            }
            return Size(width: width, height: height)
        case .centerCrop(let width, let height):
            let (x, y) = ((input.width - width) / 2, (input.height - height) / 2)
            return try GeometricOp.crop(x: x, y: y, width: width, height: height).outputSize(from: input)
        case .resize(let width, let height, _):
            guard width > 0, height > 0 else { throw .invalidParameter("resize needs a positive size, not \(width)x\(height)") }
            return Size(width: width, height: height)
        }
    }
}
