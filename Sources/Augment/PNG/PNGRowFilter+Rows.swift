extension PNGRowFilter {
    /// Filters one row of `count` bytes with `kernel` into `output` and, if `measuring`, returns
    /// the row's cost (the sum of `cost(_:)` over its bytes; 0 otherwise).
    ///
    /// The first pixel (no left neighbour) is done byte by byte, the rest sixteen bytes at a time;
    /// a last partial group is redone as the sixteen bytes ending the row, overlapping bytes
    /// already written with the same values (and left out of the cost). Reads and writes stay
    /// within the `count` bytes of each buffer.
    ///
    /// - Parameters:
    ///   - previous: the unfiltered row above (zeros above the first row).
    /// - Complexity: O(count).
    static func apply<Kernel: PNGRowFilterKernel>(
        _ kernel: Kernel.Type, row: UnsafePointer<UInt8>, previous: UnsafePointer<UInt8>, count: Int,
        bytesPerPixel: Int, into output: UnsafeMutablePointer<UInt8>, measuring: Bool
    ) -> Int {
        let filter = Kernel.filter
        var cost = 0
        let head = min(bytesPerPixel, count)
        for index in 0..<head {
            let value = filter.filtered(row[index], left: 0, above: previous[index], aboveLeft: 0)
            output[index] = value
            if measuring { cost &+= Self.cost(value) }
        }
        if count - bytesPerPixel < 16 {
            for index in head..<count {
                let value = filter.filtered(row[index], left: row[index - bytesPerPixel], above: previous[index],
                                            aboveLeft: previous[index - bytesPerPixel])
                output[index] = value
                if measuring { cost &+= Self.cost(value) }
            }
            return cost
        }

        let current = UnsafeRawPointer(row), above = UnsafeRawPointer(previous)
        let destination = UnsafeMutableRawPointer(output)
        @inline(__always) func group(at offset: Int) -> SIMD16<UInt8> {
            let value = Kernel.filtered(
                current.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self),
                left: current.loadUnaligned(fromByteOffset: offset &- bytesPerPixel, as: SIMD16<UInt8>.self),
                above: above.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self),
                aboveLeft: above.loadUnaligned(fromByteOffset: offset &- bytesPerPixel, as: SIMD16<UInt8>.self))
            destination.storeBytes(of: value, toByteOffset: offset, as: SIMD16<UInt8>.self)
            return value
        }
        // Costs (at most 128 a byte) summed pairwise into 16-bit lanes, which hold 255 groups
        // (255 x 256 < 2^16) before they are emptied.
        var lanes = SIMD8<UInt16>(repeating: 0)
        var groupsInLanes = 0
        @inline(__always) func addCosts(_ costs: SIMD16<UInt8>) {
            let pairs = unsafeBitCast(costs, to: SIMD8<UInt16>.self)
            lanes &+= (pairs & 0x00FF) &+ (pairs &>> 8)
            groupsInLanes &+= 1
            if groupsInLanes == 255 {
                cost &+= Self.sum(lanes)
                lanes = SIMD8<UInt16>(repeating: 0)
                groupsInLanes = 0
            }
        }

        var index = bytesPerPixel
        if measuring {
            while index &+ 16 <= count {
                addCosts(Self.cost(group(at: index)))
                index &+= 16
            }
        } else {
            while index &+ 16 <= count {
                _ = group(at: index)
                index &+= 16
            }
        }
        if index < count {
            let last = count &- 16
            let value = group(at: last)
            if measuring {
                // Lanes before `index - last` were counted in the previous group.
                let fresh = Self.laneNumbers .>= SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: index &- last))
                addCosts(Self.cost(value).replacing(with: 0, where: .!fresh))
            }
        }
        if measuring { cost &+= Self.sum(lanes) }
        return cost
    }

    private static let laneNumbers = SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    /// The sum of eight 16-bit lanes.
    @inline(__always)
    private static func sum(_ lanes: SIMD8<UInt16>) -> Int {
        let pairs = unsafeBitCast(lanes, to: SIMD4<UInt32>.self)
        let sums = (pairs & 0xFFFF) &+ (pairs &>> 16)
        return Int(sums[0] &+ sums[1] &+ sums[2] &+ sums[3])
    }
}
