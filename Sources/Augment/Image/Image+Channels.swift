extension Image {
    /// Converts to `target` channels the usual way (as OpenCV's `cvtColor` and `imread` do):
    /// RGB to grey by ITU-R BT.601 luma, alpha dropped (not composited), grey replicated to RGB,
    /// and an opaque alpha added where one is missing.
    ///
    /// - Complexity: O(width × height); returns `self` unchanged when the count already matches.
    public func converted(toChannels target: Int) -> Image {
        precondition((1...4).contains(target), "an image has 1 to 4 channels, not \(target)")
        if target == channels { return self }
        let source = channels
        let count = width * height
        let pixels = [UInt8](unsafeUninitializedCapacity: count * target) { output, initialized in
            self.pixels.withUnsafeBufferPointer { input in
                for index in 0..<count {
                    let from = index * source
                    let to = index * target
                    let hasColour = source >= 3
                    let red = input[from]
                    let green = hasColour ? input[from + 1] : red
                    let blue = hasColour ? input[from + 2] : red
                    let alpha: UInt8 = (source == 2 || source == 4) ? input[from + source - 1] : 255
                    switch target {
                    case 1:
                        output[to] = hasColour ? Image.luma(red, green, blue) : red
                    case 2:
                        output[to] = hasColour ? Image.luma(red, green, blue) : red
                        output[to + 1] = alpha
                    default:
                        output[to] = red
                        output[to + 1] = green
                        output[to + 2] = blue
                        if target == 4 { output[to + 3] = alpha }
                    }
                }
            }
            initialized = count * target
        }
        return Image(width: width, height: height, channels: target, pixels: pixels)
    }

    /// BT.601 luma in OpenCV's fixed point (14 fractional bits, rounded), so grey values match
    /// `cv2.cvtColor(..., COLOR_RGB2GRAY)` exactly.
    @inlinable
    static func luma(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> UInt8 {
        let weighted = UInt32(red) &* 4899 &+ UInt32(green) &* 9617 &+ UInt32(blue) &* 1868
        return UInt8(truncatingIfNeeded: (weighted &+ 8192) >> 14)
    }
}
