#if !_endian(little)
#error("the .npy arrays are written in the host's byte order, declared little-endian")
#endif

/// How a batch's images become one NumPy array: element type, axis order and value mapping.
public struct SampleEncoding: Sendable, Equatable {
    public enum Layout: String, Sendable, CaseIterable {
        /// `[B, H, W, C]`: as decoded, as TensorFlow and JAX take images.
        case nhwc
        /// `[B, C, H, W]`: as PyTorch's convolutions take them.
        case nchw
    }

    public enum ElementType: String, Sendable, CaseIterable {
        /// The 8-bit values as they are.
        case uint8
        /// `(x − mean·m) / (std·m)` (`Transform.Normalization`, albumentations' formula): `x / 255`
        /// without a normalisation, as torchvision's `ToTensor`.
        case float32
    }

    public var layout: Layout
    public var elementType: ElementType
    /// With `float32` only; nil means mean 0, std 1, max_pixel_value 255.
    public var normalization: Transform.Normalization?

    public init(layout: Layout = .nhwc, elementType: ElementType = .uint8, normalization: Transform.Normalization? = nil) {
        precondition(normalization == nil || elementType == .float32, "a normalisation makes float values")
        self.layout = layout
        self.elementType = elementType
        self.normalization = normalization
    }

    /// The images of one batch as a complete `.npy` array (header and data): `[B, H, W, C]` or
    /// `[B, C, H, W]`, `|u1` or `<f4`. Every image must have the same size and channel count.
    ///
    /// - Complexity: O(batch pixels); one output buffer, no other per-image allocation.
    public func array(of images: [Image]) -> [UInt8] {
        guard let first = images.first else {
            return NumPyFormat.header(dtype: elementType == .uint8 ? .uint8 : .float32, shape: [0, 0, 0, 0])
        }
        let (height, width, channels) = (first.height, first.width, first.channels)
        precondition(images.allSatisfy { $0.width == width && $0.height == height && $0.channels == channels },
                     "a batch's images share one size and channel count")
        let shape = layout == .nhwc ? [images.count, height, width, channels] : [images.count, channels, height, width]
        let values = height * width * channels
        switch elementType {
        case .uint8:
            var bytes = NumPyFormat.header(dtype: .uint8, shape: shape)
            let start = bytes.count
            bytes += repeatElement(0, count: images.count * values)
            bytes.withUnsafeMutableBufferPointer { output in
                for (index, image) in images.enumerated() {
                    image.pixels.withUnsafeBufferPointer { pixels in
                        Self.place(pixels, into: output, at: start + index * values, channels: channels, planar: layout == .nchw)
                    }
                }
            }
            return bytes
        case .float32:
            let normalization = self.normalization ?? Transform.Normalization(mean: [0], std: [1], maxPixelValue: 255)
            var bytes = NumPyFormat.header(dtype: .float32, shape: shape)
            let start = bytes.count
            bytes += repeatElement(0, count: images.count * values * 4)
            bytes.withUnsafeMutableBytes { raw in
                // The header's length is a multiple of 64, so the floats are aligned.
                let floats = UnsafeMutableBufferPointer(start: (raw.baseAddress! + start).assumingMemoryBound(to: Float.self),
                                                        count: images.count * values)
                for (index, image) in images.enumerated() {
                    let converted = Photometric.normalize(image, mean: normalization.mean, std: normalization.std,
                                                          maxPixelValue: normalization.maxPixelValue)
                    converted.withUnsafeBufferPointer { values in
                        Self.place(values, into: floats, at: index * image.pixels.count, channels: channels, planar: layout == .nchw)
                    }
                }
            }
            return bytes
        }
    }

    /// The length of the `.npy` array (header and data) of `images` images of `size` with
    /// `channels` channels.
    public func arrayLength(images: Int, size: Size, channels: Int) -> Int {
        let shape = layout == .nhwc ? [images, size.height, size.width, channels] : [images, channels, size.height, size.width]
        let type: NumPyFormat.DType = elementType == .uint8 ? .uint8 : .float32
        return NumPyFormat.header(dtype: type, shape: shape).count + images * size.width * size.height * channels * type.itemSize
    }

    /// The same `.npy` bytes as `array(of:)`, as pieces to write one after the other: for 8-bit
    /// values in the images' own interleaved order (`uint8`, `nhwc` or one channel) the header
    /// and then each image's own pixels, shared rather than copied, which spares a stream the
    /// batch-sized buffer (its allocation, zeroing and copy); otherwise the whole array.
    ///
    /// - Complexity: O(header) in the first case, as `array(of:)` otherwise.
    public func pieces(of images: [Image]) -> [[UInt8]] {
        guard elementType == .uint8, layout == .nhwc || images.first?.channels == 1, let first = images.first,
              images.allSatisfy({ $0.width == first.width && $0.height == first.height && $0.channels == first.channels }) else {
            return [array(of: images)]
        }
        let shape = layout == .nhwc ? [images.count, first.height, first.width, first.channels]
                                    : [images.count, first.channels, first.height, first.width]
        return [NumPyFormat.header(dtype: .uint8, shape: shape)] + images.map(\.pixels)
    }

    /// Copies one image's interleaved values into `output` from `offset`, as they are or with
    /// the channels made planes (`planar`: every value of channel 0, then of channel 1, ...).
    private static func place<Element>(_ values: UnsafeBufferPointer<Element>, into output: UnsafeMutableBufferPointer<Element>,
                                       at offset: Int, channels: Int, planar: Bool) {
        if !planar || channels == 1 {
            _ = UnsafeMutableBufferPointer(rebasing: output[offset..<offset + values.count]).initialize(fromContentsOf: values)
            return
        }
        let plane = values.count / channels
        for pixel in 0..<plane {
            for channel in 0..<channels { output[offset + channel * plane + pixel] = values[pixel * channels + channel] }
        }
    }
}
