extension Geometry {
    /// Resizes by averaging each output pixel's footprint in the source, weighted by overlap:
    /// antialiased shrinking, as OpenCV's `INTER_AREA`. Along an axis that grows, it samples
    /// bilinearly with half-pixel centres instead (a footprint smaller than a pixel has
    /// nothing to average).
    ///
    /// - Complexity: O(source width × output height + output pixels × footprint), two passes
    ///   through one intermediate row buffer of floats.
    static func resizeByArea(_ image: Image, to size: Size) -> Image {
        let columns = FootprintTaps(outputCount: size.width, sourceCount: image.width)
        let rows = FootprintTaps(outputCount: size.height, sourceCount: image.height)
        let channels = image.channels
        // Rows filtered horizontally: (source height) × (output width) × channels.
        var horizontal = [Float](repeating: 0, count: image.height * size.width * channels)
        image.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { horizontal in
                for y in 0..<image.height {
                    let sourceRow = source.baseAddress! + y * image.width * channels
                    let row = horizontal.baseAddress! + y * size.width * channels
                    for x in 0..<size.width {
                        for (index, weight) in columns.taps(x) {
                            for channel in 0..<channels {
                                row[x * channels + channel] += weight * Float(sourceRow[index * channels + channel])
                            }
                        }
                    }
                }
            }
        }
        return Image.make(size, channels: channels) { output in
            horizontal.withUnsafeBufferPointer { horizontal in
                var sums = [Float](repeating: 0, count: size.width * channels)
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<size.height {
                        sums.update(repeating: 0)
                        for (index, weight) in rows.taps(y) {
                            let row = horizontal.baseAddress! + index * size.width * channels
                            for element in 0..<size.width * channels { sums[element] += weight * row[element] }
                        }
                        let outputRow = output + y * size.width * channels
                        for element in 0..<size.width * channels { outputRow[element] = roundedByte(sums[element]) }
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

    /// The (source index, weight) pairs of output position `position`; the weights sum to 1.
    func taps(_ position: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Float>> {
        zip(indices[starts[position]..<starts[position + 1]], weights[starts[position]..<starts[position + 1]])
    }
}
