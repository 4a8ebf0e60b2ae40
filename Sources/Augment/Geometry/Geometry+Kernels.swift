// One function per kernel, for library users who want a single operation. Each is
// `Geometry.apply` of one `GeometricOp` (`applyOne`), so it takes the same exact or
// resampling path.

extension Geometry {
    /// Mirrors left to right. Exact. - Complexity: O(pixels).
    public static func hflip(_ image: Image) -> Image { applyChecked(.hflip, image) }

    /// Mirrors top to bottom. Exact. - Complexity: O(pixels).
    public static func vflip(_ image: Image) -> Image { applyChecked(.vflip, image) }

    /// Rotates by `quarterTurns` × 90° counter-clockwise. Exact. - Complexity: O(pixels).
    public static func rotate90(_ image: Image, quarterTurns: Int) -> Image {
        applyChecked(.rotate90(quarterTurns: quarterTurns), image)
    }

    /// Swaps rows and columns. Exact. - Complexity: O(pixels).
    public static func transpose(_ image: Image) -> Image { applyChecked(.transpose, image) }

    /// Rotates about the centre by `degrees` (counter-clockwise as displayed), same size;
    /// outside samples take `fill`. - Complexity: O(pixels).
    public static func rotate(_ image: Image, degrees: Double, interpolation: Interpolation = .bilinear,
                              fill: Fill = .zero) throws(GeometryError) -> Image {
        try applyOne(.rotate(degrees: degrees, interpolation: interpolation, fill: fill), to: image)
    }

    /// Scales about the centre, same size: `scale` > 1 magnifies, < 1 shrinks and fills the
    /// border. - Complexity: O(pixels).
    public static func zoom(_ image: Image, scale: Double, interpolation: Interpolation = .bilinear,
                            fill: Fill = .zero) throws(GeometryError) -> Image {
        try applyOne(.zoom(scale: scale, interpolation: interpolation, fill: fill), to: image)
    }

    /// Copies the region at (`x`, `y`) of `width` × `height`. Exact.
    /// - Throws: `GeometryError.regionOutsideImage` when it does not fit, naming the sizes.
    public static func crop(_ image: Image, x: Int, y: Int, width: Int, height: Int) throws(GeometryError) -> Image {
        try applyOne(.crop(x: x, y: y, width: width, height: height), to: image)
    }

    /// Copies the centred region of `width` × `height`. Exact.
    public static func centerCrop(_ image: Image, width: Int, height: Int) throws(GeometryError) -> Image {
        try applyOne(.centerCrop(width: width, height: height), to: image)
    }

    /// Resizes to `width` × `height` with half-pixel centres (as OpenCV's `resize`).
    /// - Complexity: O(output pixels), or O(input pixels) more for `.area`.
    public static func resize(_ image: Image, width: Int, height: Int,
                              interpolation: Interpolation = .bilinear) throws(GeometryError) -> Image {
        try applyOne(.resize(width: width, height: height, interpolation: interpolation), to: image)
    }

    /// `apply([op], to: image)` without the array: a flip is a few microseconds, and an
    /// allocation and the pass-building loop around it a measurable part of them.
    static func applyOne(_ op: GeometricOp, to image: Image) throws(GeometryError) -> Image {
        let size = Size(width: image.width, height: image.height)
        let outputSize = try op.outputSize(from: size)
        if case .resize(_, _, .area) = op { return resizeByArea(image, to: outputSize) }
        var pass = ResamplingPass(size: size)
        pass.append(op, from: size, to: outputSize)
        return try pass.run(on: image)
    }

    /// For operations that cannot fail on any image.
    private static func applyChecked(_ op: GeometricOp, _ image: Image) -> Image {
        do { return try applyOne(op, to: image) } catch { preconditionFailure("\(op) cannot fail: \(error)") }
    }
}
