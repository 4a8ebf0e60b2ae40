#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Transform.RandomResizedCrop {
    /// Draws the crop with torchvision's `RandomResizedCrop.get_params`, exactly:
    ///
    /// Up to 10 attempts: `target_area = W·H · U(scale)`, `aspect = exp(U(log ratio))`,
    /// `w = round(sqrt(target_area · aspect))`, `h = round(sqrt(target_area / aspect))` (Python's
    /// `round`, half to even); the first with `0 < w <= W` and `0 < h <= H` is taken, its top row
    /// uniform in [0, H - h] and then its left column uniform in [0, W - w]. When no attempt
    /// fits, the centred fallback: the whole image when its aspect ratio lies within `ratio`,
    /// otherwise the largest centred region whose ratio is the nearer end of `ratio`.
    /// The fallback's rounded side is kept at least 1 pixel (torchvision could return an empty
    /// crop for extreme ratios on tiny images). Then the output size is drawn (width, height).
    ///
    /// - Complexity: O(1); at most 20 + 2 draws for the crop, and 2 more for a random size.
    public func draw(using generator: inout SplitMix64, size: Size) -> DrawnTransform {
        let (width, height) = (Double(size.width), Double(size.height))
        let area = width * height
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        var crop: (x: Int, y: Int, width: Int, height: Int)?
        for _ in 0..<10 {
            let targetArea = area * generator.uniform(scale)
            let aspect = exp(generator.uniform(logRatio))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if 0 < w && w <= size.width && 0 < h && h <= size.height {
                let top = generator.integer(in: 0...(size.height - h))
                let left = generator.integer(in: 0...(size.width - w))
                crop = (left, top, w, h)
                break
            }
        }
        let (x, y, w, h) = crop ?? Self.centredFallback(size: size, ratio: ratio)
        let outputWidth = self.width.draw(using: &generator)
        let outputHeight = self.height.draw(using: &generator)
        return .randomResizedCrop(x: x, y: y, cropWidth: w, cropHeight: h,
                                  width: outputWidth, height: outputHeight, interpolation: interpolation)
    }

    /// torchvision's fallback: `in_ratio = W / H`; below `min(ratio)` the full width and
    /// `h = round(W / min(ratio))`; above `max(ratio)` the full height and `w = round(H · max(ratio))`;
    /// otherwise the whole image. Centred with the top-left at ((W - w) / 2, (H - h) / 2), rounded down.
    ///
    /// - Complexity: O(1).
    static func centredFallback(size: Size, ratio: ClosedRange<Double>) -> (x: Int, y: Int, width: Int, height: Int) {
        let inputRatio = Double(size.width) / Double(size.height)
        var (w, h) = (size.width, size.height)
        if inputRatio < ratio.lowerBound {
            h = min(size.height, max(1, Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))))
        } else if inputRatio > ratio.upperBound {
            w = min(size.width, max(1, Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))))
        }
        return ((size.width - w) / 2, (size.height - h) / 2, w, h)
    }
}
