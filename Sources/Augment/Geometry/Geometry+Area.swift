extension Geometry {
    /// Resizes by averaging each output pixel's footprint in the source, weighted by overlap:
    /// antialiased shrinking, as OpenCV's `INTER_AREA`. Along an axis that grows, it samples
    /// bilinearly with half-pixel centres instead (a footprint smaller than a pixel has
    /// nothing to average).
    ///
    /// - Complexity: O(source height × output width × horizontal footprint + output pixels ×
    ///   vertical footprint), through one intermediate buffer of floats (source height × output
    ///   width × channels).
    static func resizeByArea(_ image: Image, to size: Size) -> Image {
        let columns = FootprintTaps(outputCount: size.width, sourceCount: image.width)
        let rows = FootprintTaps(outputCount: size.height, sourceCount: image.height)
        let channels = image.channels
        let outputRowLength = size.width * channels
        // Rows filtered horizontally: (source height) × (output width) × channels.
        var horizontal = [Float](repeating: 0, count: image.height * outputRowLength)
        image.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { horizontal in
                columns.withTables { starts, indices, weights in
                    for y in 0..<image.height {
                        let sourceRow = source.baseAddress! + y * image.width * channels
                        let row = horizontal.baseAddress! + y * outputRowLength
                        for x in 0..<size.width {
                            for tap in starts[x]..<starts[x + 1] {
                                let pixel = sourceRow + indices[tap] * channels
                                let weight = weights[tap]
                                for channel in 0..<channels { row[x * channels + channel] += weight * Float(pixel[channel]) }
                            }
                        }
                    }
                }
            }
        }
        return Image.make(size, channels: channels) { output in
            horizontal.withUnsafeBufferPointer { horizontal in
                var sums = [Float](repeating: 0, count: outputRowLength)
                sums.withUnsafeMutableBufferPointer { sums in
                    let sums = sums.baseAddress!
                    rows.withTables { starts, indices, weights in
                        for y in 0..<size.height {
                            sums.update(repeating: 0, count: outputRowLength)
                            for tap in starts[y]..<starts[y + 1] {
                                let row = horizontal.baseAddress! + indices[tap] * outputRowLength
                                let weight = weights[tap]
                                for element in 0..<outputRowLength { sums[element] += weight * row[element] }
                            }
                            let outputRow = output + y * outputRowLength
                            for element in 0..<outputRowLength {
                                outputRow[element] = UInt8(truncatingIfNeeded: (sums[element] + 12_582_912).bitPattern)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The source pixels, and their weights, that make each output position along one axis.
struct FootprintTaps {
    private var starts: [Int] = [0]
    private var indices: [Int] = []
    private var weights: [Float] = []

    init(outputCount: Int, sourceCount: Int) {
        let scale = Double(sourceCount) / Double(outputCount)
        for position in 0..<outputCount {
            if scale >= 1 {
                // Output pixel `position` covers [position·scale, (position+1)·scale) of the source.
                let (low, high) = (Double(position) * scale, Double(position + 1) * scale)
                var index = Int(low.rounded(.down))
                while Double(index) < high && index < sourceCount {
                    let overlap = min(high, Double(index + 1)) - max(low, Double(index))
                    if overlap > 1e-12 { append(index, overlap / scale) }
                    index += 1
                }
            } else {
                let centre = (Double(position) + 0.5) * scale - 0.5
                let low = min(max(centre.rounded(.down), 0), Double(sourceCount - 1))
                let fraction = min(max(centre - low, 0), 1)
                append(Int(low), 1 - fraction)
                append(min(Int(low) + 1, sourceCount - 1), fraction)
            }
            starts.append(indices.count)
        }
    }

    private mutating func append(_ index: Int, _ weight: Double) {
        indices.append(index)
        weights.append(Float(weight))
    }

    /// The taps of output position `p` are `starts[p] ..< starts[p + 1]` of `indices` and
    /// `weights`; the weights of one position sum to 1.
    func withTables<Result>(
        _ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>) -> Result
    ) -> Result {
        starts.withUnsafeBufferPointer { starts in
            indices.withUnsafeBufferPointer { indices in
                weights.withUnsafeBufferPointer { weights in
                    body(starts.baseAddress!, indices.baseAddress!, weights.baseAddress!)
                }
            }
        }
    }
}
