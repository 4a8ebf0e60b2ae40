/// Pixel-value kernels: pure functions of an image and explicit parameters, as `Geometry`'s
/// are; the transforms that draw their parameters live in `Pipeline`.
public enum Photometric {}

extension Photometric {
    /// Adds `shift[c]` to every value of channel `c`, for the first `shift.count` channels; the
    /// others (an alpha channel after RGB) are copied. Each result is `v + shift[c]` rounded
    /// to the nearest integer, halves away from zero, and clamped to 0...255.
    ///
    /// Since `v` is an integer, that is `v + level(shift[c])` clamped, with the shift rounded
    /// once per channel (`levelOffset(_:)`): halves up and halves away from zero differ only
    /// for negative sums, which clamp to 0 either way. The work is a 256-entry table lookup per
    /// byte: beside the PNG codec, SIMD would not pay.
    ///
    /// - Complexity: O(pixels × channels).
    public static func shift(_ image: Image, by shift: [Double]) -> Image {
        precondition(shift.count <= image.channels, "\(shift.count) shifts for a \(image.channels)-channel image")
        let tables = levelTables(channels: image.channels) { channel, value in
            channel < shift.count ? min(max(value + levelOffset(shift[channel]), 0), 255) : value
        }
        var output = image
        image.pixels.withUnsafeBufferPointer { input in
            output.pixels.withUnsafeMutableBufferPointer { output in
                tables.withUnsafeBufferPointer { tables in
                    apply(tables, channels: image.channels, input, into: output)
                }
            }
        }
        return output
    }

    /// `shift` rounded to an integer, halves up (0.5 to 1, -0.5 to 0), exactly (no rounding in
    /// `shift + 0.5`), and limited to ±256, beyond which every result clamps anyway.
    ///
    /// - Complexity: O(1).
    public static func levelOffset(_ shift: Double) -> Int {
        precondition(!shift.isNaN, "a shift must be a number")
        let limited = min(max(shift, -256), 256)
        let floor = limited.rounded(.down)
        return Int(floor) + (limited - floor >= 0.5 ? 1 : 0)  // `limited - floor` is exact
    }

    /// albumentations' `Normalize`: `(v − mean[c] × maxPixelValue) / (std[c] × maxPixelValue)`
    /// for every value, as `Float`, interleaved as the image's pixels are (height × width ×
    /// channels). `mean` and `std` hold one value for every channel or one per channel; each
    /// std must be positive. The value is computed in double precision and rounded once.
    ///
    /// - Complexity: O(pixels × channels), plus a 256-entry table per channel.
    public static func normalize(_ image: Image, mean: [Double], std: [Double], maxPixelValue: Double) -> [Float] {
        let channels = image.channels
        precondition([1, channels].contains(mean.count) && [1, channels].contains(std.count),
                     "mean and std need 1 or \(channels) values")
        precondition(std.allSatisfy { $0 > 0 } && maxPixelValue > 0, "std and maxPixelValue must be positive")
        var tables = [Float](repeating: 0, count: 256 * channels)
        for channel in 0..<channels {
            let offset = mean[mean.count == 1 ? 0 : channel] * maxPixelValue
            let scale = std[std.count == 1 ? 0 : channel] * maxPixelValue
            for value in 0..<256 { tables[channel * 256 + value] = Float((Double(value) - offset) / scale) }
        }
        return [Float](unsafeUninitializedCapacity: image.pixels.count) { output, initialized in
            image.pixels.withUnsafeBufferPointer { input in
                tables.withUnsafeBufferPointer { tables in
                    var index = 0
                    while index < input.count {
                        for channel in 0..<channels {
                            output[index + channel] = tables[channel * 256 + Int(input[index + channel])]
                        }
                        index += channels
                    }
                }
            }
            initialized = image.pixels.count
        }
    }

    /// One 256-entry table per channel, `value(channel, v)` at `channel * 256 + v`.
    static func levelTables(channels: Int, _ value: (Int, Int) -> Int) -> [UInt8] {
        var tables = [UInt8](repeating: 0, count: 256 * channels)
        for channel in 0..<channels {
            for level in 0..<256 { tables[channel * 256 + level] = UInt8(value(channel, level)) }
        }
        return tables
    }

    /// Replaces every value by its channel's table entry.
    static func apply(_ tables: UnsafeBufferPointer<UInt8>, channels: Int, _ input: UnsafeBufferPointer<UInt8>,
                      into output: UnsafeMutableBufferPointer<UInt8>) {
        var index = 0
        while index < input.count {
            for channel in 0..<channels {
                output[index + channel] = tables[channel * 256 + Int(input[index + channel])]
            }
            index += channels
        }
    }
}
